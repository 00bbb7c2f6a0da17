namespace MediVault.Application.Common.Abstractions;

/// <summary>
/// The one place told that a session (an OAuth authorization) or a token has changed, so that what the app remembers
/// about tokens it has already checked is forgotten before the next request — on this instance at once, and on every
/// other instance sharing the database at its next request (a revocation signal in the database; docs/deployment.md,
/// "Several instances"). Revoking through OpenIddict's managers (or <c>SessionRevoker</c>) reports here on its own: the
/// OpenIddict stores call it after every write. Code that changes session or token rows some other way must call it itself.
/// </summary>
public interface IAuthorizationStateCache
{
    /// <summary>The session was revoked, changed or deleted: it and every token issued for it are checked again.</summary>
    Task SessionChangedAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>The token was revoked, changed or deleted.</summary>
    Task TokenChangedAsync(string tokenId, CancellationToken cancellationToken);

    /// <summary>Sessions or tokens of this user (OAuth subject) changed in bulk.</summary>
    Task SubjectChangedAsync(string subject, CancellationToken cancellationToken);

    /// <summary>Sessions or tokens changed in bulk beyond one user (a client's tokens, a pruning): forget everything.</summary>
    Task ClearAsync(CancellationToken cancellationToken);
}
