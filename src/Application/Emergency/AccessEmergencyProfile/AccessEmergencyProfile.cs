using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Domain.Emergency;
using MediVault.Domain.Ledger;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Emergency.AccessEmergencyProfile;

/// <summary>A first responder, without an account, opens a patient's emergency profile with the token from a QR code.</summary>
public sealed record AccessEmergencyProfile(string Token) : ICommand<EmergencyAccess>;

/// <summary>What the first responder sees.</summary>
/// <param name="PatientName">The patient's full name.</param>
/// <param name="DateOfBirth"><c>YYYY-MM-DD</c>, or null.</param>
/// <param name="EmergencyProfile">The profile; null while the patient has not filled one in.</param>
/// <param name="ExpiresAt">When the code stops working (UTC).</param>
/// <param name="AccessedAt">When this access was recorded (UTC).</param>
public sealed record EmergencyAccess(
    string PatientName, DateOnly? DateOfBirth, EmergencyProfileDto? EmergencyProfile, DateTime ExpiresAt, DateTime AccessedAt);

public sealed class AccessEmergencyProfileHandler(
    IAppDbContext db, IQrCodeLookup codes, IQrCodeUses uses, IAccessLog accessLog, ILedger ledger, IUserDirectory users, TimeProvider clock)
    : ICommandHandler<AccessEmergencyProfile, EmergencyAccess>
{
    private const string Unknown = "This emergency code is not known.";

    public async ValueTask<EmergencyAccess> Handle(AccessEmergencyProfile command, CancellationToken cancellationToken)
    {
        if (!QrToken.IsWellFormed(command.Token))
            throw new NotFoundException(Unknown);

        // The index finds the row by the hash; comparing the hashes again in fixed time keeps the last step
        // of the match from depending on how much of a guess was right.
        // The code and its patient's profile come in one statement (decisions §119). The profile leaves the server only
        // below, after the checks and with its log and ledger entries.
        var tokenHash = QrToken.Hash(command.Token);
        var found = await codes.FindByTokenHashAsync(tokenHash, cancellationToken);
        if (found is null || !QrToken.HashesEqual(found.Code.TokenHash, tokenHash))
            throw new NotFoundException(Unknown);
        var code = found.Code;

        var now = clock.GetUtcNow().UtcDateTime;
        if (code.StatusAt(now) != QrCodeStatus.Active)
            await RefuseAsync(code.Id, code.PatientId, now, cancellationToken);

        // The name as shown beside records (FindManyAsync may serve it from memory for a few seconds); the code itself
        // was just read from the database, and an account's codes go with it.
        var patient = (await users.FindManyAsync([code.PatientId], cancellationToken)).GetValueOrDefault(code.PatientId)
            ?? throw new NotFoundException(Unknown);
        var profile = found.Profile;

        // The use is claimed, the access logged and the ledger entry appended in one transaction, shared with the other
        // appends of the moment (group commit): a profile leaves the server only with its log entry and ledger entry, and
        // of two simultaneous last uses exactly one claims the row.
        accessLog.RecordEmergencyAccess(code.PatientId, code.Id);
        var entry = await ledger.CommitIfAsync(
            new LedgerEvent(LedgerBlockKind.QrAccessed, code.Id, code.PatientId, code.TokenHash),
            ct => uses.TryClaimAsync(code.Id, now, ct),
            cancellationToken);
        if (entry is null)
            await RefuseAsync(code.Id, code.PatientId, now, cancellationToken);

        return new EmergencyAccess(
            patient.FullName, profile?.DateOfBirth, profile is null ? null : EmergencyProfileDto.From(profile, patient.FullName),
            code.ExpiresAt, now);
    }

    /// <summary>Logs the refused attempt and says why the code no longer works (re-read: a concurrent access may have taken the last use).</summary>
    private async Task RefuseAsync(Guid codeId, Guid patientId, DateTime now, CancellationToken cancellationToken)
    {
        var current = await db.QrAccessCodes.AsNoTracking().SingleAsync(c => c.Id == codeId, cancellationToken);
        await accessLog.RecordRefusedEmergencyAccessAsync(patientId, codeId, cancellationToken);
        throw new GoneException(Explain(current.StatusAt(now)));
    }

    private static string Explain(QrCodeStatus status) => status switch
    {
        QrCodeStatus.Expired => "This emergency code has expired.",
        QrCodeStatus.Revoked => "This emergency code has been revoked by the patient.",
        QrCodeStatus.Exhausted => "This emergency code has been used as many times as the patient allowed.",
        _ => "This emergency code can no longer be used.",
    };
}
