namespace MediVault.Application.Common.Abstractions;

/// <summary>
/// Short-lived proofs that a user typed their password again a moment ago, for operations that need more than a
/// session (exporting the whole vault). A proof names its user and its expiry and cannot be forged or moved to
/// another user.
/// </summary>
public interface IRecentAuthentication
{
    /// <summary>How long a proof lasts after the password was checked.</summary>
    TimeSpan Lifetime { get; }

    /// <summary>A proof for <paramref name="userId"/>, valid until the returned time.</summary>
    ReauthenticationProof Issue(Guid userId);

    /// <summary>True when <paramref name="proof"/> was issued to <paramref name="userId"/> and has not expired.</summary>
    bool IsValid(string? proof, Guid userId);
}

/// <summary>An opaque proof of a recent password check, and when it stops working.</summary>
public sealed record ReauthenticationProof(string Proof, DateTime ExpiresAt);
