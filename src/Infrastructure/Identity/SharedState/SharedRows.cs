namespace MediVault.Infrastructure.Identity.SharedState;

/// <summary>What a <see cref="RevocationSignal"/> names.</summary>
public enum RevocationKind
{
    /// <summary>A session (OpenIddict authorization) changed: it and every token issued for it are checked again.</summary>
    Session = 1,

    /// <summary>One token changed.</summary>
    Token = 2,

    /// <summary>Sessions or tokens of one user (OAuth subject) changed in bulk.</summary>
    Subject = 3,

    /// <summary>Sessions or tokens changed beyond one user: every instance forgets everything it checked.</summary>
    Everything = 4,

    /// <summary>An account's profile changed (name, two-factor state): the cached profile and display name are read again.</summary>
    Account = 5,
}

/// <summary>
/// One revocation, as every instance learns it (issue 13, docs/deployment.md "Several instances"). Written in the same
/// transaction as the increment of <see cref="RevocationClock"/>, so signals become visible in the order of their
/// <see cref="Epoch"/>, with no gap an instance could step over.
/// </summary>
public sealed class RevocationSignal
{
    public long Epoch { get; set; }
    public RevocationKind Kind { get; set; }

    /// <summary>The session id, token id or subject; null for <see cref="RevocationKind.Everything"/>.</summary>
    public string? Value { get; set; }

    public long AtUnixSeconds { get; set; }
}

/// <summary>The one row that numbers revocations: each instance compares its <see cref="Epoch"/> with the last one it applied.</summary>
public sealed class RevocationClock
{
    public const int TheRow = 1;
    public int Id { get; set; }
    public long Epoch { get; set; }
}

/// <summary>A pending second sign-in step (<see cref="TwoFactorChallenges"/>), by the challenge's SHA-256 only.</summary>
public sealed class TwoFactorChallengeRow
{
    public string ChallengeHash { get; set; } = "";
    public Guid UserId { get; set; }
    public long ExpiresAtUnixSeconds { get; set; }
}

/// <summary>An authenticator code that worked, kept until it cannot be valid any more so that it never works twice.</summary>
public sealed class UsedTwoFactorCode
{
    public Guid UserId { get; set; }
    public string Code { get; set; } = "";
    public long ExpiresAtUnixSeconds { get; set; }
}
