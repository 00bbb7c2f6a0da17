using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Domain.Audit;
using MediVault.Domain.Identity;
using MediVault.Domain.Ledger;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Sharing.RevokeGrant;

/// <summary>A patient ends a doctor's access at once. Revoking an already revoked grant changes nothing.</summary>
public sealed record RevokeGrant(Guid GrantId) : ICommand;

public sealed class RevokeGrantHandler(IAppDbContext db, ICurrentUser currentUser, ILedger ledger, IAccessLog accessLog, TimeProvider clock)
    : ICommandHandler<RevokeGrant>
{
    public async ValueTask<Unit> Handle(RevokeGrant command, CancellationToken cancellationToken)
    {
        var patientId = currentUser.RequireUserId();
        if (currentUser.AccountType != AccountType.Patient)
            throw new ForbiddenException("Only patients revoke access to their records.");
        var grant = await db.AccessGrants.SingleOrDefaultAsync(g => g.Id == command.GrantId && g.PatientId == patientId, cancellationToken)
            ?? throw new NotFoundException();
        if (grant.RevokedAt is not null)
            return Unit.Value;

        grant.Revoke(clock.GetUtcNow().UtcDateTime);
        accessLog.Record(patientId, AccessAction.AccessRevoked, ActorRole.Patient, "access-grant", grant.Id);
        await ledger.CommitAsync(new LedgerEvent(LedgerBlockKind.AccessRevoked, grant.Id, patientId, grant.PayloadHash()), null, cancellationToken);
        return Unit.Value;
    }
}
