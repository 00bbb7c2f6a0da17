using MediVault.Domain.Ledger;

namespace MediVault.Application.Common.Abstractions;

/// <summary>The tamper-evident hash chain. Format: docs/ledger.md.</summary>
public interface ILedger
{
    /// <summary>
    /// Appends the next block for <paramref name="ledgerEvent"/> and saves it together with every change pending in
    /// <see cref="IAppDbContext"/>, in one transaction. Appends are serialized, so the chain never forks.
    /// <paramref name="beforeSave"/> sees the new block before the save (e.g. to anchor a file to it).
    /// </summary>
    Task<LedgerBlock> CommitAsync(LedgerEvent ledgerEvent, Action<LedgerBlock>? beforeSave, CancellationToken cancellationToken);

    /// <summary>
    /// Like <see cref="CommitAsync"/>, but first runs <paramref name="condition"/> inside the same transaction (e.g. a
    /// conditional UPDATE that claims a use). When it answers false nothing of the request is saved, its pending changes
    /// are discarded, and the answer is null. Lets a read-check-write path share the group commit of concurrent appends.
    /// </summary>
    Task<LedgerBlock?> CommitIfAsync(LedgerEvent ledgerEvent, Func<CancellationToken, Task<bool>> condition, CancellationToken cancellationToken);

    /// <summary>Recomputes every block in order, in constant memory.</summary>
    Task<LedgerVerification> VerifyAsync(CancellationToken cancellationToken);

    /// <summary>Recomputes one block's hash and checks its link to its predecessor.</summary>
    Task<bool> VerifyBlockAsync(long index, CancellationToken cancellationToken);
}

/// <summary>What a block records: a kind, the resource's opaque id, the patient concerned and a hash of the payload.</summary>
public sealed record LedgerEvent(string Kind, Guid ResourceId, Guid SubjectId, string PayloadHash);

/// <param name="Valid">Whether every check passed.</param>
/// <param name="Length">The number of entries stored.</param>
/// <param name="HeadHash">The newest entry's hash.</param>
/// <param name="FirstInvalidIndex">The first entry that does not check out, or where entries are missing; null if none.</param>
/// <param name="Problem">What failed, in words; null when the log is valid.</param>
public sealed record LedgerVerification(bool Valid, long Length, string HeadHash, long? FirstInvalidIndex, string? Problem = null);
