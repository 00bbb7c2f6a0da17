using MediVault.Domain.Common;

namespace MediVault.Domain.Identity;

/// <summary>
/// One "Forgot password?" link: valid for <see cref="Lifetime"/>, usable once. Only the SHA-256 of its token is stored,
/// so a copy of the database resets no password.
/// </summary>
public sealed class PasswordResetToken
{
    /// <summary>How long a reset link works after it was sent.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    private PasswordResetToken() { } // EF Core

    public Guid Id { get; private set; }
    public Guid UserId { get; private set; }
    /// <summary>Lower-case hex SHA-256 of the token; the token itself is never stored.</summary>
    public string TokenHash { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public DateTime ExpiresAt { get; private set; }
    /// <summary>When the link reset the password, or was voided by another link's reset.</summary>
    public DateTime? UsedAt { get; private set; }

    public static PasswordResetToken Issue(Guid userId, string tokenHash, DateTime createdAt)
    {
        var created = Guard.Utc(createdAt, nameof(createdAt));
        return new PasswordResetToken
        {
            Id = Guid.CreateVersion7(),
            UserId = Guard.NotEmpty(userId, nameof(userId)),
            TokenHash = Guard.Sha256Hex(tokenHash, nameof(tokenHash)),
            CreatedAt = created,
            ExpiresAt = created + Lifetime,
        };
    }

    /// <summary>Not used yet and not expired at <paramref name="now"/>.</summary>
    public bool IsUsableAt(DateTime now) => UsedAt is null && now < ExpiresAt;

    /// <summary>Spends the link (its own reset, or another link's reset of the same account).</summary>
    public void Spend(DateTime at)
    {
        if (UsedAt is not null)
            throw new DomainRuleException("The reset link has already been used.");
        UsedAt = Guard.Utc(at, nameof(at));
    }
}
