using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Domain.Audit;
using MediVault.Domain.Ledger;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Sharing.SmartHealthLinks.RevokeSmartHealthLink;

/// <summary>Stops one of the signed-in patient's SMART Health Links at once. Revoking twice changes nothing.</summary>
public sealed record RevokeSmartHealthLink(Guid Id) : ICommand;

public sealed class RevokeSmartHealthLinkHandler(
    IAppDbContext db, ICurrentUser currentUser, IRecordAccess access, IAccessLog accessLog, ILedger ledger, TimeProvider clock)
    : ICommandHandler<RevokeSmartHealthLink>
{
    public async ValueTask<Unit> Handle(RevokeSmartHealthLink command, CancellationToken cancellationToken)
    {
        var patientId = currentUser.RequireUserId();
        var role = await access.EnsureAsync(patientId, RecordAction.WriteProfile, cancellationToken);

        // Someone else's link is as absent as one that never existed.
        var link = await db.SmartHealthLinks.SingleOrDefaultAsync(l => l.Id == command.Id && l.PatientId == patientId, cancellationToken)
            ?? throw new NotFoundException("No such SMART Health Link.");
        if (link.RevokedAt is not null)
            return Unit.Value;

        link.Revoke(clock.GetUtcNow().UtcDateTime);
        accessLog.Record(patientId, AccessAction.ShlRevoked, role, ShlLogNames.ResourceType, link.Id);
        await ledger.CommitAsync(new LedgerEvent(LedgerBlockKind.ShlRevoked, link.Id, patientId, link.ManifestIdHash), beforeSave: null, cancellationToken);
        return Unit.Value;
    }
}
