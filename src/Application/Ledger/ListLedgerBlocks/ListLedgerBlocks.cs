using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Ledger.Common;
using MediVault.Domain.Identity;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Ledger.ListLedgerBlocks;

/// <summary>
/// The blocks from index <paramref name="From"/> on, oldest first, that concern the caller's own records or, for a
/// doctor, the records of patients who granted the caller an active grant.
/// </summary>
public sealed record ListLedgerBlocks(long From, int Limit) : IQuery<IReadOnlyList<BlockDto>>;

public sealed class ListLedgerBlocksHandler(IAppDbContext db, ICurrentUser currentUser, TimeProvider clock)
    : IQueryHandler<ListLedgerBlocks, IReadOnlyList<BlockDto>>
{
    public async ValueTask<IReadOnlyList<BlockDto>> Handle(ListLedgerBlocks query, CancellationToken cancellationToken)
    {
        var callerId = currentUser.RequireUserId();
        var subjects = new List<Guid> { callerId };
        if (currentUser.AccountType == AccountType.Doctor)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            subjects.AddRange(await db.AccessGrants.AsNoTracking()
                .Where(g => g.DoctorId == callerId && g.RevokedAt == null && (g.ExpiresAt == null || g.ExpiresAt > now))
                .Select(g => g.PatientId)
                .Distinct()
                .ToListAsync(cancellationToken));
        }

        return await db.LedgerBlocks.AsNoTracking()
            .Where(b => b.Index >= query.From && subjects.Contains(b.SubjectId))
            .OrderBy(b => b.Index)
            .Take(query.Limit)
            .Select(BlockDto.Projection)
            .ToListAsync(cancellationToken);
    }
}
