using MediVault.Application.Common.Abstractions;
using MediVault.Domain.Audit;
using MediVault.Domain.Identity;

namespace MediVault.Application.Common.Access;

internal sealed class AccessLog(IAppDbContext db, ICurrentUser currentUser, TimeProvider clock) : IAccessLog
{
    public void Record(Guid patientId, AccessAction action, ActorRole role, string resourceType, Guid? resourceId) =>
        db.AccessLogEntries.Add(Entry(patientId, action, role, resourceType, resourceId, AccessOutcome.Success));

    public void Record(Guid patientId, AccessAction action, AccessActor actor, string resourceType, Guid? resourceId) =>
        db.AccessLogEntries.Add(AccessLogEntry.Create(
            patientId, clock.GetUtcNow().UtcDateTime, action, actor.Id, actor.Name, actor.Role, resourceType, resourceId,
            currentUser.IpAddress, currentUser.UserAgent, AccessOutcome.Success));

    public void RecordEmergencyAccess(Guid patientId, Guid qrCodeId) =>
        db.AccessLogEntries.Add(EmergencyEntry(patientId, qrCodeId, AccessOutcome.Success));

    public void RecordLinkRequest(Guid patientId, Guid linkId, string recipient, AccessOutcome outcome) =>
        db.AccessLogEntries.Add(AccessLogEntry.Create(
            patientId, clock.GetUtcNow().UtcDateTime, AccessAction.ShlOpened, actorId: null, recipient, ActorRole.Recipient,
            Sharing.SmartHealthLinks.ShlLogNames.ResourceType, linkId, currentUser.IpAddress, currentUser.UserAgent, outcome));

    public async Task RecordRefusedEmergencyAccessAsync(Guid patientId, Guid qrCodeId, CancellationToken cancellationToken)
    {
        db.AccessLogEntries.Add(EmergencyEntry(patientId, qrCodeId, AccessOutcome.Denied));
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task RecordDeniedAsync(Guid patientId, AccessAction action, string resourceType, Guid? resourceId, CancellationToken cancellationToken)
    {
        var role = currentUser.AccountType == AccountType.Doctor ? ActorRole.Doctor : ActorRole.Patient;
        db.AccessLogEntries.Add(Entry(patientId, action, role, resourceType, resourceId, AccessOutcome.Denied));
        await db.SaveChangesAsync(cancellationToken);
    }

    private AccessLogEntry EmergencyEntry(Guid patientId, Guid qrCodeId, AccessOutcome outcome) =>
        AccessLogEntry.Create(
            patientId, clock.GetUtcNow().UtcDateTime, AccessAction.QrAccessed, actorId: null, "Emergency responder",
            ActorRole.Emergency, "qr-code", qrCodeId, currentUser.IpAddress, currentUser.UserAgent, outcome);

    private AccessLogEntry Entry(Guid patientId, AccessAction action, ActorRole role, string resourceType, Guid? resourceId, AccessOutcome outcome) =>
        AccessLogEntry.Create(
            patientId, clock.GetUtcNow().UtcDateTime, action, currentUser.UserId, currentUser.FullName, role,
            resourceType, resourceId, currentUser.IpAddress, currentUser.UserAgent, outcome);
}
