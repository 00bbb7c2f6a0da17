using MediVault.Infrastructure.Configuration;
using MediVault.Infrastructure.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MediVault.Infrastructure.Identity;

public static class IdentityServices
{
    public const string ApiScope = "medivault.api";
    public const string FirstPartyClientId = "medivault-web";

    /// <summary>ASP.NET Core Identity for the accounts, OpenIddict for the OAuth 2.0 / OpenID Connect server and token validation.</summary>
    public static IServiceCollection AddMediVaultIdentity(this IServiceCollection services, MediVaultOptions options, DataDirectory data)
    {
        services.AddIdentityCore<ApplicationUser>(identity =>
            {
                identity.User.RequireUniqueEmail = true;
                identity.Password.RequiredLength = PasswordRules.MinLength;
                identity.Password.RequireDigit = false;
                identity.Password.RequireLowercase = false;
                identity.Password.RequireUppercase = false;
                identity.Password.RequireNonAlphanumeric = false;
                identity.Password.RequiredUniqueChars = 1;
                identity.Lockout.AllowedForNewUsers = true;
                identity.Lockout.MaxFailedAccessAttempts = 5;
                identity.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                identity.ClaimsIdentity.UserIdClaimType = Claims.Subject;
                identity.ClaimsIdentity.UserNameClaimType = Claims.Name;
                identity.ClaimsIdentity.EmailClaimType = Claims.Email;
                // Schema version 3 adds AspNetUserPasskeys: passkeys (WebAuthn) as a sign-in option (issue 15).
                identity.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
            })
            .AddEntityFrameworkStores<AppDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddPasswordValidator<PasswordRules>();
        // Recovery codes are kept hashed and the authenticator key sealed (Identity's own store keeps both as plain text).
        services.Replace(ServiceDescriptor.Scoped<IUserStore<ApplicationUser>, TwoFactorSecretsUserStore>());
        // Passkeys: Identity's handler verifies, our ceremonies hold its state, the token endpoint signs in (§100).
        services.Configure<IdentityPasskeyOptions>(passkeys => PasskeyOrigin.Configure(passkeys, options.PublicBaseUrl));
        services.TryAddScoped<IPasskeyHandler<ApplicationUser>, PasskeyHandler<ApplicationUser>>();
        services.AddSingleton<PasskeyCeremonies>();
        services.AddScoped<PasskeySignIn>();
        services.AddScoped<MediVault.Application.Identity.Passkeys.IPasskeys, Passkeys>();

        services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<AppDbContext>().ReplaceDefaultEntities<Guid>())
            .AddServer(server =>
            {
                // Several instances behind one public address issue and accept one issuer, whatever Host each one sees
                // (issue 13); without PublicBaseUrl the issuer is the request's origin, as before. A PublicBaseUrl that is
                // not an absolute URL is left to the options validation, which stops the app naming the setting.
                if (options.PublicBaseUrl is { Length: > 0 } publicBaseUrl && Uri.TryCreate(publicBaseUrl.TrimEnd('/') + "/", UriKind.Absolute, out var issuer))
                    server.SetIssuer(issuer);
                server.SetTokenEndpointUris("connect/token")
                    .SetAuthorizationEndpointUris("connect/authorize")
                    .SetRevocationEndpointUris("connect/revoke")
                    .SetUserInfoEndpointUris("connect/userinfo");
                server.AllowPasswordFlow()
                    .AllowRefreshTokenFlow()
                    .AllowClientCredentialsFlow()
                    .AllowAuthorizationCodeFlow()
                    .AllowCustomFlow(TwoFactorGrant.Type)
                    .AllowCustomFlow(PasskeyGrant.Type)
                    .RequireProofKeyForCodeExchange();
                server.RegisterScopes([.. OAuthScopes.Registered]);
                // PKCE with S256 only: "plain" would let a stolen code be redeemed with the challenge itself.
                server.Configure(serverOptions => serverOptions.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));
                server.SetAccessTokenLifetime(TimeSpan.FromSeconds(options.Tokens.AccessTokenLifetimeSeconds))
                    .SetRefreshTokenLifetime(TimeSpan.FromSeconds(options.Tokens.RefreshTokenLifetimeSeconds))
                    // A used refresh token stops working at once (rotation without a grace period).
                    .SetRefreshTokenReuseLeeway(TimeSpan.Zero);
                server.AddSigningKey(KeyMaterial.Load(options.Tokens.SigningKey, data, "token-signing"))
                    .AddEncryptionKey(KeyMaterial.Load(options.Tokens.EncryptionKey, data, "token-encryption"));
                server.UseAspNetCore()
                    .EnableTokenEndpointPassthrough()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    // TLS is terminated in front of the app (reverse proxy); the app itself serves plain HTTP on localhost.
                    .DisableTransportSecurityRequirement();
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                // A revoked session (logout, password change) invalidates its access tokens at once. These checks read
                // the database; the bearer scheme (WebApi CachedBearerHandler) runs them once per token and then trusts
                // AuthorizationStateCache, which every revocation empties of what it concerns.
                validation.EnableAuthorizationEntryValidation();
                validation.EnableTokenEntryValidation();
                validation.UseAspNetCore();
            });

        // Every write to a session or token row reaches the cache of checked tokens (docs/decisions.md #20).
        services.AddSingleton<AuthorizationStateCache>();
        services.AddSingleton(sp => new SharedState.RevocationFeed(
            sp.GetRequiredService<AuthorizationStateCache>(), sp.GetRequiredService<Microsoft.Extensions.Caching.Memory.IMemoryCache>(), sp.GetRequiredService<DatabaseProvider>()));
        services.AddScoped<SharedState.SharedRevocations>();
        services.AddScoped<MediVault.Application.Common.Abstractions.IAuthorizationStateCache>(sp => sp.GetRequiredService<SharedState.SharedRevocations>());
        services.Replace(ServiceDescriptor.Scoped<IOpenIddictAuthorizationStore<OpenIddictEntityFrameworkCoreAuthorization<Guid>>, RevocationReportingAuthorizationStore>());
        services.Replace(ServiceDescriptor.Scoped<IOpenIddictTokenStore<OpenIddictEntityFrameworkCoreToken<Guid>>, RevocationReportingTokenStore>());

        // Data Protection (the session cookie, Identity's tokens, Google's correlation cookie): one key ring in the shared
        // database, each key sealed with the master key, so every instance reads every other's cookies (issue 13).
        services.AddDataProtection()
            .SetApplicationName("MediVault")
            .PersistKeysToDbContext<AppDbContext>();
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(
            keys => keys.XmlEncryptor = new SharedState.MasterKeyXmlEncryptor(sp.GetRequiredService<Storage.MasterKey>())));

        services.AddScoped<IStartupStep, ClientRegistrar>();
        services.AddScoped<IStartupStep, SampleDataSeeder>();
        services.AddScoped<SessionRevoker>();
        services.AddScoped<TwoFactorCodes>();
        services.AddScoped<TwoFactorChallenges>();
        services.AddScoped<MediVault.Application.Identity.TwoFactor.ITwoFactorAccounts, TwoFactorAccounts>();
        services.AddScoped<MediVault.Application.Common.Access.IPatientConsents, PatientConsents>();
        services.AddScoped<MediVault.Application.Identity.IAccountService, AccountService>();
        services.AddScoped<ClientConsents>();
        services.AddScoped<MediVault.Application.Identity.ConnectedApps.IConnectedApps>(sp => sp.GetRequiredService<ClientConsents>());
        services.AddSingleton<MediVault.Application.Common.Abstractions.IRecentAuthentication, RecentAuthentication>();
        return services;
    }
}
