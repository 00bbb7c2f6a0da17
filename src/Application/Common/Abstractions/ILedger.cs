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

    /// <summary>Recomputes every block in order, in constant memory.</summary>
    Task<LedgerVerification> VerifyAsync(CancellationToken cancellationToken);

    /// <summary>Recomputes one block's hash and checks its link to its predecessor.</summary>
    Task<bool> VerifyBlockAsync(long index, CancellationToken cancellationToken);
}

/// <summary>What a block records: a kind, the resource's opaque id, the patient concerned and a hash of the payload.</summary>
public sealed record LedgerEvent(string Kind, Guid ResourceId, Guid SubjectId, string PayloadHash);

public sealed record LedgerVerification(bool Valid, long Length, string HeadHash, long? FirstInvalidIndex);
