namespace MediVault.Domain.Audit;

/// <summary>The actions the access log records. Travel as kebab-case: <c>file-downloaded</c>, …</summary>
public enum AccessAction
{
    Login,
    FileUploaded,
    FileDownloaded,
    FileDeleted,
    ProfileUpdated,
    ProfileViewed,
    QrGenerated,
    QrRevoked,
    QrAccessed,
    AccessGranted,
    AccessRevoked,
    /// <summary>A doctor or patient read a list of files, the access log, the dashboard or the ledger.</summary>
    RecordsViewed,
}

/// <summary>Who acted.</summary>
public enum ActorRole
{
    Patient,
    Doctor,
    Emergency,
    System,
}

/// <summary>Whether the action was allowed.</summary>
public enum AccessOutcome
{
    Success,
    Denied,
}
