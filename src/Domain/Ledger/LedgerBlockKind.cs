namespace MediVault.Domain.Ledger;

/// <summary>The kinds of event the ledger records. Stored and hashed as these exact strings.</summary>
public static class LedgerBlockKind
{
    public const string Genesis = "genesis";
    public const string FileUploaded = "file-uploaded";
    public const string FileDeleted = "file-deleted";
    public const string ProfileUpdated = "profile-updated";
    public const string QrGenerated = "qr-generated";
    public const string QrRevoked = "qr-revoked";
    public const string QrAccessed = "qr-accessed";
    public const string AccessGranted = "access-granted";
    public const string AccessRevoked = "access-revoked";
    /// <summary>An account was deleted: an anonymised tombstone (fresh id, no subject).</summary>
    public const string AccountDeleted = "account-deleted";
    /// <summary>Issue 17: SMART Health Links; the payload hash is the hash of the link's manifest id.</summary>
    public const string ShlCreated = "shl-created";
    public const string ShlOpened = "shl-opened";
    public const string ShlRevoked = "shl-revoked";
}
