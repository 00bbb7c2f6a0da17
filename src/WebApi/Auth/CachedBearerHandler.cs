using System.Text.Encodings.Web;
using MediVault.Infrastructure.Identity;
using MediVault.Infrastructure.Identity.SharedState;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OpenIddict.Validation.AspNetCore;

namespace MediVault.WebApi.Auth;

/// <summary>
/// Bearer tokens, checked in full by OpenIddict validation (decryption, signature, expiry, the token's and its session's
/// rows) the first time they are seen, and then taken from <see cref="AuthorizationStateCache"/> until their session or
/// token changes, they expire, or <see cref="AuthorizationStateCache.Lifetime"/> passes. Before it trusts the cache, the
/// request applies the revocations made by any instance since the last request (<see cref="RevocationFeed"/>, one
/// small read). Challenges and refusals are OpenIddict's own.
/// </summary>
internal sealed class CachedBearerHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AuthorizationStateCache checkedTokens,
    RevocationFeed revocations)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "CachedBearer";
    private const string Prefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();
        var token = header.AsSpan(Prefix.Length).Trim();
        if (token.IsEmpty)
            return AuthenticateResult.NoResult();

        await revocations.CatchUpAsync(Context.RequestAborted);
        // A copy per request: nothing a request does to its principal reaches another request.
        if (checkedTokens.FindToken(header.AsSpan(Prefix.Length).Trim()) is { } known)
            return AuthenticateResult.Success(new AuthenticationTicket(known.Clone(), Scheme.Name));

        var version = checkedTokens.Version;
        var result = await Context.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        if (result.Succeeded && result.Principal is { } principal)
        {
            checkedTokens.RememberToken(header.AsSpan(Prefix.Length).Trim(), principal.Clone(), version);
            return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
        }
        return result;
    }
}
