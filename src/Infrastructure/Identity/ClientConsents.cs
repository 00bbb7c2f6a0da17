using System.Collections.Immutable;
using System.Security.Claims;
using MediVault.Application.Identity.ConnectedApps;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MediVault.Infrastructure.Identity;

/// <summary>
/// A person's consent to an integration client, kept as one OpenIddict <em>permanent</em> authorization per person and
/// client (decisions.md §40). Its scopes are everything the person has approved for that client; the tokens the
/// client gets through the authorization-code flow belong to it, so revoking it (through <see cref="SessionRevoker"/>,
/// the same path as logout) ends every one of them at once. The web app's own sign-ins are ad-hoc authorizations
/// (sessions) and are never consents.
/// </summary>
public sealed class ClientConsents(
    IOpenIddictAuthorizationManager authorizations, IOpenIddictApplicationManager applications, IOpenIddictTokenManager tokens,
    SessionRevoker sessions, TimeProvider clock) : IConnectedApps
{
    /// <summary>The person's standing consent to the client, if any.</summary>
    public async Task<Consent?> FindAsync(string userId, string applicationId, CancellationToken cancellationToken)
    {
        await foreach (var authorization in authorizations.FindAsync(
            userId, applicationId, Statuses.Valid, AuthorizationTypes.Permanent, scopes: null, cancellationToken))
        {
            var id = await authorizations.GetIdAsync(authorization, cancellationToken);
            return new Consent(id!, await authorizations.GetScopesAsync(authorization, cancellationToken));
        }
        return null;
    }

    /// <summary>
    /// Records that the person approved <paramref name="scopes"/> for the client: the standing consent grows to cover
    /// them, or a new one is made. Returns the consent the tokens will belong to.
    /// </summary>
    public async Task<Consent> RememberAsync(
        ClaimsPrincipal principal, string userId, string applicationId, ImmutableArray<string> scopes, CancellationToken cancellationToken)
    {
        if (await FindAsync(userId, applicationId, cancellationToken) is { } existing)
        {
            var authorization = await authorizations.FindByIdAsync(existing.Id, cancellationToken)
                ?? throw new InvalidOperationException("The consent vanished while it was being updated.");
            var descriptor = new OpenIddictAuthorizationDescriptor();
            await authorizations.PopulateAsync(descriptor, authorization, cancellationToken);
            descriptor.Scopes.UnionWith(scopes);
            await authorizations.UpdateAsync(authorization, descriptor, cancellationToken);
            return new Consent(existing.Id, [.. descriptor.Scopes]);
        }

        var consent = new OpenIddictAuthorizationDescriptor
        {
            ApplicationId = applicationId,
            CreationDate = clock.GetUtcNow(),
            Principal = principal,
            Status = Statuses.Valid,
            Subject = userId,
            Type = AuthorizationTypes.Permanent,
        };
        consent.Scopes.UnionWith(scopes);
        var created = await authorizations.CreateAsync(consent, cancellationToken);
        return new Consent((await authorizations.GetIdAsync(created, cancellationToken))!, scopes);
    }

    public async Task<IReadOnlyList<ConnectedAppDto>> ListAsync(Guid userId, CancellationToken cancellationToken)
    {
        var apps = new List<ConnectedAppDto>();
        await foreach (var authorization in authorizations.FindBySubjectAsync(userId.ToString(), cancellationToken))
        {
            if (await AsConnectedAppAsync(authorization, cancellationToken) is { } app)
                apps.Add(app);
        }
        return [.. apps.OrderByDescending(app => app.GrantedAt)];
    }

    public async Task<bool> RevokeAsync(Guid userId, Guid connectedAppId, CancellationToken cancellationToken)
    {
        var authorization = await authorizations.FindByIdAsync(connectedAppId.ToString(), cancellationToken);
        if (authorization is null || !await IsConnectedAppOfAsync(authorization, userId, cancellationToken))
            return false;
        await sessions.RevokeAsync(connectedAppId.ToString(), cancellationToken);
        return true;
    }

    private async Task<bool> IsConnectedAppOfAsync(object authorization, Guid userId, CancellationToken cancellationToken) =>
        await authorizations.GetSubjectAsync(authorization, cancellationToken) == userId.ToString()
        && await authorizations.HasTypeAsync(authorization, AuthorizationTypes.Permanent, cancellationToken)
        && await authorizations.HasStatusAsync(authorization, Statuses.Valid, cancellationToken);

    private async Task<ConnectedAppDto?> AsConnectedAppAsync(object authorization, CancellationToken cancellationToken)
    {
        if (!await authorizations.HasTypeAsync(authorization, AuthorizationTypes.Permanent, cancellationToken)
            || !await authorizations.HasStatusAsync(authorization, Statuses.Valid, cancellationToken)
            || await authorizations.GetApplicationIdAsync(authorization, cancellationToken) is not { } applicationId
            || await applications.FindByIdAsync(applicationId, cancellationToken) is not { } application)
            return null;

        var id = (await authorizations.GetIdAsync(authorization, cancellationToken))!;
        DateTimeOffset? lastUsed = null;
        await foreach (var token in tokens.FindByAuthorizationIdAsync(id, cancellationToken))
        {
            if (await tokens.GetCreationDateAsync(token, cancellationToken) is { } issued && (lastUsed is null || issued > lastUsed))
                lastUsed = issued;
        }
        var clientId = (await applications.GetClientIdAsync(application, cancellationToken))!;
        var scopes = await authorizations.GetScopesAsync(authorization, cancellationToken);
        return new ConnectedAppDto(
            Guid.Parse(id),
            clientId,
            await applications.GetDisplayNameAsync(application, cancellationToken) ?? clientId,
            [.. scopes.Order(StringComparer.Ordinal).Select(scope => new ConnectedAppScope(scope, OAuthScopes.Describe(scope)))],
            (await authorizations.GetCreationDateAsync(authorization, cancellationToken))?.UtcDateTime ?? DateTime.MinValue,
            lastUsed?.UtcDateTime);
    }
}

/// <summary>A standing consent: its authorization id and the scopes it covers.</summary>
public sealed record Consent(string Id, ImmutableArray<string> Scopes)
{
    /// <summary>True when every requested scope was approved before: no need to ask the person again.</summary>
    public bool Covers(IEnumerable<string> requested) => requested.All(Scopes.Contains);
}
