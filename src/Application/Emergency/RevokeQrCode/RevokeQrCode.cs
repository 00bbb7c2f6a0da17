using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Domain.Audit;
using MediVault.Domain.Ledger;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Emergency.RevokeQrCode;

/// <summary>Stops one of the signed-in patient's emergency codes from working, at once. Revoking twice changes nothing.</summary>
public sealed record RevokeQrCode(Guid Id) : ICommand;

public sealed class RevokeQrCodeHandler(
    IAppDbContext db, ICurrentUser currentUser, IRecordAccess access, IAccessLog accessLog, ILedger ledger, TimeProvider clock)
    : ICommandHandler<RevokeQrCode>
{
    public async ValueTask<Unit> Handle(RevokeQrCode command, CancellationToken cancellationToken)
    {
        var patientId = currentUser.RequireUserId();
        var role = await access.EnsureAsync(patientId, RecordAction.WriteProfile, cancellationToken);

        // Someone else's code is as absent as one that never existed.
        var code = await db.QrAccessCodes.SingleOrDefaultAsync(c => c.Id == command.Id && c.PatientId == patientId, cancellationToken)
            ?? throw new NotFoundException("No such emergency code.");
        if (code.RevokedAt is not null)
            return Unit.Value;

        code.Revoke(clock.GetUtcNow().UtcDateTime);
        accessLog.Record(patientId, AccessAction.QrRevoked, role, ResourceTypes.QrCode, code.Id);
        await ledger.CommitAsync(new LedgerEvent(LedgerBlockKind.QrRevoked, code.Id, patientId, code.TokenHash), beforeSave: null, cancellationToken);
        return Unit.Value;
    }
}
