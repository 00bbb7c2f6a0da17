namespace MediVault.Application.Common.Access;

/// <summary>What an actor wants to do with a patient's records.</summary>
public enum RecordAction
{
    ListFiles,
    DownloadFile,
    VerifyFile,
    UploadFile,
    DeleteFile,
    ReadProfile,
    WriteProfile,
    ReadDashboard,
    ReadAccessLog,
    ReadLedger,
}

/// <summary>How the actor stands towards the patient whose records are asked for.</summary>
public enum ActorRelation
{
    /// <summary>The patient themself.</summary>
    Owner,
    /// <summary>A doctor holding an active, unexpired grant from the patient.</summary>
    GrantedDoctor,
    /// <summary>Anyone else: another patient, a doctor without an active grant.</summary>
    Stranger,
}
