namespace MediVault.Application.Common.Access;

/// <summary>The one rule table for who may do what with a patient's records.</summary>
public static class AccessPolicy
{
    /// <summary>What a doctor with an active grant may do: read, and add records. Never delete, never write the profile.</summary>
    private static readonly HashSet<RecordAction> GrantedDoctorActions =
    [
        RecordAction.ListFiles,
        RecordAction.DownloadFile,
        RecordAction.VerifyFile,
        RecordAction.UploadFile,
        RecordAction.ReadProfile,
        RecordAction.ReadDashboard,
        RecordAction.ReadAccessLog,
        RecordAction.ReadLedger,
    ];

    public static bool Allows(ActorRelation relation, RecordAction action) => relation switch
    {
        ActorRelation.Owner => true,
        ActorRelation.GrantedDoctor => GrantedDoctorActions.Contains(action),
        _ => false,
    };
}
