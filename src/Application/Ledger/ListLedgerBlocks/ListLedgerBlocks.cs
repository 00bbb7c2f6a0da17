using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Naming;
using MediVault.Application.Ledger.Common;
using MediVault.Domain.Identity;
using MediVault.Domain.Ledger;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Ledger.ListLedgerBlocks;

/// <summary>
/// The blocks from index <paramref name="From"/> on, oldest first, that concern the caller's own records or, for a
/// doctor, the records of patients who granted the caller an active grant.
/// </summary>
public sealed record ListLedgerBlocks(long From, int Limit) : IQuery<IReadOnlyList<BlockDto>>;

public sealed class ListLedgerBlocksHandler(IAppDbContext db, ICurrentUser currentUser, IOwnedRecordNames recordNames, TimeProvider clock)
    : IQueryHandler<ListLedgerBlocks, IReadOnlyList<BlockDto>>
{
    public async ValueTask<IReadOnlyList<BlockDto>> Handle(ListLedgerBlocks query, CancellationToken cancellationToken)
    {
        var callerId = currentUser.RequireUserId();
        // A patient's blocks are compared with one id, not with a list of one: EF Core 10 sends a list as one parameter
        // per item and builds such SQL again on every call, while this SQL is built once and cached.
        var concerned = currentUser.AccountType == AccountType.Doctor
            ? await ConcerningDoctorAsync(callerId, cancellationToken)
            : db.LedgerBlocks.Where(b => b.SubjectId == callerId);
        var blocks = await concerned.AsNoTracking()
            .Where(b => b.Index >= query.From)
            .OrderBy(b => b.Index)
            .Take(query.Limit)
            .Select(BlockDto.Projection)
            .ToListAsync(cancellationToken);
        return await NameOwnRecordsAsync(callerId, blocks, cancellationToken);
    }

    /// <summary>A doctor's own blocks and those of every patient with an active grant to the doctor.</summary>
    private async Task<IQueryable<LedgerBlock>> ConcerningDoctorAsync(Guid doctorId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var subjects = new List<Guid> { doctorId };
        subjects.AddRange(await db.AccessGrants.AsNoTracking()
            .Where(g => g.DoctorId == doctorId && g.RevokedAt == null && (g.ExpiresAt == null || g.ExpiresAt > now))
            .Select(g => g.PatientId)
            .Distinct()
            .ToListAsync(cancellationToken));
        return db.LedgerBlocks.Where(b => subjects.Contains(b.SubjectId));
    }

    /// <summary>Names the caller's own records (issue 15); a doctor's blocks about patients stay unnamed.</summary>
    private async Task<IReadOnlyList<BlockDto>> NameOwnRecordsAsync(Guid callerId, List<BlockDto> blocks, CancellationToken cancellationToken)
    {
        if (currentUser.AccountType != AccountType.Patient)
            return blocks;
        var ids = new RecordIds(
            IdsOf(blocks, b => b.IsAboutAFile()), IdsOf(blocks, b => b.IsAboutAQrCode()), IdsOf(blocks, b => b.IsAboutAGrant()),
            IdsOf(blocks, b => b.IsAboutALink()));
        var names = await recordNames.FindAsync(callerId, ids, cancellationToken);
        return [.. blocks.Select(b => names.TryGetValue(b.ResourceId, out var name) ? b with { ResourceName = name } : b)];
    }

    private static List<Guid> IdsOf(List<BlockDto> blocks, Func<BlockDto, bool> about) =>
        [.. blocks.Where(about).Select(b => b.ResourceId).Distinct()];
}
