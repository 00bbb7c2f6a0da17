using MediVault.Infrastructure.Configuration;
using MediVault.Infrastructure.Persistence;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MediVault.Infrastructure.Identity;

/// <summary>
/// Registers the OAuth clients at start-up: the first-party web client (password and refresh grants, no secret)
/// and the integration clients named in configuration. Configuration is the source of truth: a changed secret,
/// redirect URI or system scope is applied on the next start. Integration clients need the person's explicit
/// consent (decisions.md §40); system scopes come from configuration only (§41).
/// </summary>
internal sealed class ClientRegistrar(IOpenIddictApplicationManager applications, IOptions<MediVaultOptions> options) : IStartupStep
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await EnsureAsync(FirstParty(), cancellationToken);
        foreach (var client in options.Value.Clients)
            await EnsureAsync(Integration(client), cancellationToken);
    }

    private async Task EnsureAsync(OpenIddictApplicationDescriptor descriptor, CancellationToken cancellationToken)
    {
        var existing = await applications.FindByClientIdAsync(descriptor.ClientId!, cancellationToken);
        if (existing is null)
        {
            await applications.CreateAsync(descriptor, cancellationToken);
            return;
        }

        var stored = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(stored, existing, cancellationToken);
        if (!SaysTheSame(stored, descriptor))
            await applications.UpdateAsync(existing, descriptor, cancellationToken);
    }

    /// <summary>
    /// Whether the stored registration already says what configuration says, so that a restart writes nothing (the
    /// write made the step 100-200 ms longer on every restart, decisions §158). A client with a secret is always written:
    /// the stored secret is a salted hash, so a changed secret cannot be told from the same one without hashing it.
    /// </summary>
    internal static bool SaysTheSame(OpenIddictApplicationDescriptor stored, OpenIddictApplicationDescriptor wanted) =>
        wanted.ClientSecret is null && stored.ClientSecret is null
        && stored.ClientId == wanted.ClientId
        && stored.ClientType == wanted.ClientType
        && stored.ApplicationType == wanted.ApplicationType
        && stored.ConsentType == wanted.ConsentType
        && stored.DisplayName == wanted.DisplayName
        && stored.DisplayNames.Count == wanted.DisplayNames.Count && !stored.DisplayNames.Except(wanted.DisplayNames).Any()
        && stored.Permissions.SetEquals(wanted.Permissions)
        && stored.Requirements.SetEquals(wanted.Requirements)
        && stored.RedirectUris.SetEquals(wanted.RedirectUris)
        && stored.PostLogoutRedirectUris.SetEquals(wanted.PostLogoutRedirectUris)
        && stored.Settings.Count == wanted.Settings.Count && !stored.Settings.Except(wanted.Settings).Any()
        && stored.Properties.Count == 0 && wanted.Properties.Count == 0
        && stored.JsonWebKeySet is null && wanted.JsonWebKeySet is null;

    private static OpenIddictApplicationDescriptor FirstParty()
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = IdentityServices.FirstPartyClientId,
            ClientType = ClientTypes.Public,
            DisplayName = "MediVault web app",
            ConsentType = ConsentTypes.Implicit,
        };
        descriptor.Permissions.UnionWith(
        [
            Permissions.Endpoints.Token,
            Permissions.Endpoints.Revocation,
            Permissions.GrantTypes.Password,
            Permissions.Prefixes.GrantType + TwoFactorGrant.Type,
            Permissions.Prefixes.GrantType + PasskeyGrant.Type,
            Permissions.GrantTypes.RefreshToken,
            Permissions.Prefixes.Scope + IdentityServices.ApiScope,
            Permissions.Scopes.Email,
            Permissions.Scopes.Profile,
        ]);
        return descriptor;
    }

    private static OpenIddictApplicationDescriptor Integration(MediVaultOptions.IntegrationClientOptions client)
    {
        var confidential = !string.IsNullOrEmpty(client.ClientSecret);
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            ClientSecret = confidential ? client.ClientSecret : null,
            ClientType = confidential ? ClientTypes.Confidential : ClientTypes.Public,
            DisplayName = client.DisplayName ?? client.ClientId,
            ConsentType = ConsentTypes.Explicit,
        };
        descriptor.Permissions.UnionWith(
        [
            Permissions.Endpoints.Token,
            Permissions.Endpoints.Revocation,
            Permissions.Prefixes.Scope + IdentityServices.ApiScope,
        ]);
        if (confidential)
        {
            descriptor.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
            descriptor.Permissions.UnionWith(client.SystemScopes.Select(scope => Permissions.Prefixes.Scope + scope));
        }
        if (client.RedirectUris.Count > 0)
        {
            descriptor.Permissions.UnionWith(
            [
                Permissions.Endpoints.Authorization,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.GrantTypes.RefreshToken,
                Permissions.ResponseTypes.Code,
            ]);
            descriptor.Permissions.UnionWith(OAuthScopes.UserFacing.Select(scope => Permissions.Prefixes.Scope + scope));
            descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
            foreach (var uri in client.RedirectUris)
                descriptor.RedirectUris.Add(new Uri(uri, UriKind.Absolute));
        }
        return descriptor;
    }
}
