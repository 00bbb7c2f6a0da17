using MediVault.Domain.Common;

namespace MediVault.Domain.Emergency;

/// <summary>A time-limited code that lets anyone holding its token read a patient's emergency profile.</summary>
public sealed class QrAccessCode
{
    public const int MaxLabelLength = 100;

    private QrAccessCode() { } // EF Core

    public Guid Id { get; private set; }
    public Guid PatientId { get; private set; }
    /// <summary>Lower-case hex SHA-256 of the token; the token itself is never stored.</summary>
    public string TokenHash { get; private set; } = "";
    public string? Label { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime ExpiresAt { get; private set; }
    public DateTime? RevokedAt { get; private set; }
    public int UseCount { get; private set; }
    public int? MaxUses { get; private set; }

    public static QrAccessCode Create(Guid patientId, string tokenHash, string? label, DateTime createdAt, DateTime expiresAt, int? maxUses)
    {
        if (expiresAt <= createdAt)
            throw new DomainRuleException("A code must expire after it is created.");
        if (maxUses is <= 0)
            throw new DomainRuleException("A code allows at least one use.");
        return new QrAccessCode
        {
            Id = Guid.CreateVersion7(),
            PatientId = Guard.NotEmpty(patientId, nameof(patientId)),
            TokenHash = Guard.Sha256Hex(tokenHash, nameof(tokenHash)),
            Label = label is null ? null : Guard.MaxLength(label, MaxLabelLength, nameof(label)),
            CreatedAt = Guard.Utc(createdAt, nameof(createdAt)),
            ExpiresAt = Guard.Utc(expiresAt, nameof(expiresAt)),
            MaxUses = maxUses,
        };
    }

    public QrCodeStatus StatusAt(DateTime now) =>
        RevokedAt is not null ? QrCodeStatus.Revoked
        : MaxUses is { } max && UseCount >= max ? QrCodeStatus.Exhausted
        : ExpiresAt <= now ? QrCodeStatus.Expired
        : QrCodeStatus.Active;

    public void Revoke(DateTime at)
    {
        if (RevokedAt is not null)
            throw new DomainRuleException("The code is already revoked.");
        RevokedAt = Guard.Utc(at, nameof(at));
    }
}

public enum QrCodeStatus
{
    Active,
    Expired,
    Revoked,
    Exhausted,
}
