using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Exceptions;
using MediVault.Domain.Audit;
using MediVault.Domain.Identity;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Common.Access;

internal sealed class RecordAccess(IAppDbContext db, ICurrentUser currentUser, IUserDirectory users, IAccessLog accessLog, TimeProvider clock)
    : IRecordAccess
{
    public async Task<ActorRole> EnsureAsync(Guid patientId, RecordAction action, CancellationToken cancellationToken)
    {
        var actorId = currentUser.RequireUserId();
        var relation = await RelationAsync(actorId, patientId, cancellationToken);
        if (AccessPolicy.Allows(relation, action))
            return relation == ActorRelation.Owner ? ActorRole.Patient : ActorRole.Doctor;

        // Log the refusal where there is a patient to tell; a made-up id has no log to write to.
        if (actorId != patientId && await users.FindByIdAsync(patientId, cancellationToken) is { AccountType: AccountType.Patient })
            await accessLog.RecordDeniedAsync(patientId, ToAccessAction(action), ResourceTypeOf(action), null, cancellationToken);
        throw new NotFoundException();
    }

    private async Task<ActorRelation> RelationAsync(Guid actorId, Guid patientId, CancellationToken cancellationToken)
    {
        if (actorId == patientId)
            return currentUser.AccountType == AccountType.Patient ? ActorRelation.Owner : ActorRelation.Stranger;
        if (currentUser.AccountType != AccountType.Doctor)
            return ActorRelation.Stranger;

        var now = clock.GetUtcNow().UtcDateTime;
        var granted = await db.AccessGrants.AsNoTracking().AnyAsync(
            g => g.PatientId == patientId && g.DoctorId == actorId && g.RevokedAt == null && (g.ExpiresAt == null || g.ExpiresAt > now),
            cancellationToken);
        return granted ? ActorRelation.GrantedDoctor : ActorRelation.Stranger;
    }

    private static AccessAction ToAccessAction(RecordAction action) => action switch
    {
        RecordAction.DownloadFile => AccessAction.FileDownloaded,
        RecordAction.UploadFile => AccessAction.FileUploaded,
        RecordAction.DeleteFile => AccessAction.FileDeleted,
        RecordAction.ReadProfile => AccessAction.ProfileViewed,
        RecordAction.WriteProfile => AccessAction.ProfileUpdated,
        _ => AccessAction.RecordsViewed,
    };

    private static string ResourceTypeOf(RecordAction action) => action switch
    {
        RecordAction.ListFiles or RecordAction.DownloadFile or RecordAction.VerifyFile or RecordAction.UploadFile or RecordAction.DeleteFile => "file",
        RecordAction.ReadProfile or RecordAction.WriteProfile => "emergency-profile",
        RecordAction.ReadDashboard => "dashboard",
        RecordAction.ReadAccessLog => "access-log",
        _ => "ledger",
    };
}
