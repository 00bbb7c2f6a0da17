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
    /// <summary>Issue 17: the patient created a SMART Health Link.</summary>
    ShlCreated,
    /// <summary>Issue 17: the patient revoked a SMART Health Link.</summary>
    ShlRevoked,
    /// <summary>Issue 17: a recipient asked for a SMART Health Link's content (its manifest or its one file).</summary>
    ShlOpened,
}

/// <summary>Who acted.</summary>
public enum ActorRole
{
    Patient,
    Doctor,
    Emergency,
    System,
    /// <summary>Issue 17: whoever opened a SMART Health Link, under the name they gave (<c>recipient</c>).</summary>
    Recipient,
}

/// <summary>Whether the action was allowed.</summary>
public enum AccessOutcome
{
    Success,
    Denied,
    /// <summary>Issue 17: a SMART Health Link was asked for with a wrong or missing passcode.</summary>
    WrongPasscode,
    /// <summary>Issue 17: a SMART Health Link was asked for after it expired, was revoked or was locked.</summary>
    Inactive,
}
