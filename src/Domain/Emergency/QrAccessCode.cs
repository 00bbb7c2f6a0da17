using MediVault.Domain.Common;

namespace MediVault.Domain.Emergency;

/// <summary>A time-limited code that lets anyone holding its token read a patient's emergency profile.</summary>
public sealed class QrAccessCode
{
    public const int MaxLabelLength = 100;
    public const int MinLifetimeMinutes = 5;
    /// <summary>30 days.</summary>
    public const int MaxLifetimeMinutes = 43_200;
    public const int DefaultLifetimeMinutes = 1_440;
    public const int MaxMaxUses = 10_000;

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
        var lifetime = expiresAt - createdAt;
        if (lifetime < TimeSpan.FromMinutes(MinLifetimeMinutes) || lifetime > TimeSpan.FromMinutes(MaxLifetimeMinutes))
            throw new DomainRuleException($"A code lives between {MinLifetimeMinutes} and {MaxLifetimeMinutes} minutes.");
        if (maxUses is < 1 or > MaxMaxUses)
            throw new DomainRuleException($"A code allows between 1 and {MaxMaxUses} uses.");
        return new QrAccessCode
        {
            Id = Guid.CreateVersion7(),
            PatientId = Guard.NotEmpty(patientId, nameof(patientId)),
            TokenHash = Guard.Sha256Hex(tokenHash, nameof(tokenHash)),
            Label = ProfileText.Optional(label, MaxLabelLength, nameof(label)),
            CreatedAt = Guard.Utc(createdAt, nameof(createdAt)),
            ExpiresAt = Guard.Utc(expiresAt, nameof(expiresAt)),
            MaxUses = maxUses,
        };
    }

    /// <summary>
    /// What a holder of the token would meet at <paramref name="now"/>. A revoked code reads as revoked even when it has
    /// also expired or been used up: the patient's decision is the most useful thing to show them.
    /// </summary>
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

/// <summary>Whether a code still opens the profile. Travels as <c>active</c>, <c>expired</c>, <c>revoked</c>, <c>exhausted</c>.</summary>
public enum QrCodeStatus
{
    Active,
    Expired,
    Revoked,
    Exhausted,
}
