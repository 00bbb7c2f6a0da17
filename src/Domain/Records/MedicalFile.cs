using MediVault.Domain.Common;

namespace MediVault.Domain.Records;

/// <summary>One record in a patient's vault: metadata of an encrypted blob in the file store.</summary>
public sealed class MedicalFile
{
    public const int MaxFileNameLength = 255;
    public const int MaxDescriptionLength = 2000;

    private MedicalFile() { } // EF Core

    public Guid Id { get; private set; }
    public Guid OwnerId { get; private set; }
    public Guid UploadedById { get; private set; }
    public string FileName { get; private set; } = "";
    public string ContentType { get; private set; } = "";
    public long SizeBytes { get; private set; }
    public FileCategory Category { get; private set; }
    public string? Description { get; private set; }
    public DateOnly? RecordDate { get; private set; }
    public string Sha256 { get; private set; } = "";
    /// <summary>
    /// Lower-case hex SHA-1 of the content: FHIR's <c>Attachment.hash</c>. Recorded at upload; null for files uploaded
    /// before it was, until the FHIR API first describes them (decisions #44).
    /// </summary>
    public string? Sha1 { get; private set; }
    /// <summary>Name of the blob in the file store; never the user's file name.</summary>
    public string StorageKey { get; private set; } = "";
    /// <summary>The per-file data key, wrapped by the master key. Cleared on delete so the content is unrecoverable.</summary>
    public byte[]? WrappedKey { get; private set; }
    public DateTime UploadedAt { get; private set; }
    public long LedgerIndex { get; private set; }
    public string LedgerHash { get; private set; } = "";
    public DateTime? DeletedAt { get; private set; }
    public Guid? DeletedById { get; private set; }

    public bool IsDeleted => DeletedAt is not null;

    public static MedicalFile Create(
        Guid id, Guid ownerId, Guid uploadedById, string fileName, string contentType, long sizeBytes,
        FileCategory category, string? description, DateOnly? recordDate, string sha256,
        string storageKey, byte[] wrappedKey, DateTime uploadedAt)
    {
        if (sizeBytes <= 0)
            throw new DomainRuleException("A medical file cannot be empty.");
        ArgumentNullException.ThrowIfNull(wrappedKey);
        if (wrappedKey.Length == 0)
            throw new DomainRuleException("A medical file needs its wrapped data key.");

        return new MedicalFile
        {
            Id = Guard.NotEmpty(id, nameof(id)),
            OwnerId = Guard.NotEmpty(ownerId, nameof(ownerId)),
            UploadedById = Guard.NotEmpty(uploadedById, nameof(uploadedById)),
            FileName = Guard.MaxLength(Guard.NotBlank(fileName, nameof(fileName)), MaxFileNameLength, nameof(fileName)),
            ContentType = Guard.NotBlank(contentType, nameof(contentType)),
            SizeBytes = sizeBytes,
            Category = category,
            Description = UserText.WithoutBidiControls(description) is { } text && !string.IsNullOrWhiteSpace(text) ? Guard.MaxLength(text, MaxDescriptionLength, nameof(description)) : null,
            RecordDate = recordDate,
            Sha256 = Guard.Sha256Hex(sha256, nameof(sha256)),
            StorageKey = Guard.NotBlank(storageKey, nameof(storageKey)),
            WrappedKey = wrappedKey,
            UploadedAt = Guard.Utc(uploadedAt, nameof(uploadedAt)),
        };
    }

    /// <summary>Links the file to the ledger block that anchors it.</summary>
    public void AnchorTo(long ledgerIndex, string ledgerHash)
    {
        if (ledgerIndex <= 0)
            throw new DomainRuleException("A file is anchored by a block after the genesis block.");
        LedgerIndex = ledgerIndex;
        LedgerHash = Guard.Sha256Hex(ledgerHash, nameof(ledgerHash));
    }

    /// <summary>Records the content's SHA-1 (for FHIR); a file's content never changes, so neither does its hash.</summary>
    public void RecordSha1(string sha1)
    {
        var hex = Guard.Sha1Hex(sha1, nameof(sha1));
        if (Sha1 is not null && Sha1 != hex)
            throw new DomainRuleException("The file's SHA-1 is already recorded and differs.");
        Sha1 = hex;
    }

    /// <summary>Soft-deletes the file: the row stays for the audit trail, the data key is destroyed.</summary>
    public void MarkDeleted(Guid deletedBy, DateTime at)
    {
        if (IsDeleted)
            throw new DomainRuleException("The file is already deleted.");
        DeletedAt = Guard.Utc(at, nameof(at));
        DeletedById = Guard.NotEmpty(deletedBy, nameof(deletedBy));
        WrappedKey = null;
    }
}
