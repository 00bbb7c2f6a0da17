namespace MediVault.Application.Identity.ConnectedApps;

/// <summary>
/// The apps a person has let act for them (OAuth consents they approved), as the identity system (OpenIddict) keeps
/// them. The web app's own sign-ins are sessions, not connected apps, and are never listed here.
/// </summary>
public interface IConnectedApps
{
    Task<IReadOnlyList<ConnectedAppDto>> ListAsync(Guid userId, CancellationToken cancellationToken);

    /// <summary>
    /// Ends the app's access at once: the consent and every token issued under it. Returns false when the user has no
    /// such connected app (unknown, someone else's, a web session, or already revoked).
    /// </summary>
    Task<bool> RevokeAsync(Guid userId, Guid connectedAppId, CancellationToken cancellationToken);
}

/// <summary>One connected app: who it is, what it may do, since when, and when it last got tokens.</summary>
public sealed record ConnectedAppDto(
    Guid Id, string ClientId, string ClientName, IReadOnlyList<ConnectedAppScope> Scopes, DateTime GrantedAt, DateTime? LastUsedAt);

/// <summary>A granted scope and what it means in plain words.</summary>
public sealed record ConnectedAppScope(string Scope, string Description);
