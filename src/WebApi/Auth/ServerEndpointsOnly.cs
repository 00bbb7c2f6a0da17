using Microsoft.AspNetCore.Authentication;
using OpenIddict.Server.AspNetCore;

namespace MediVault.WebApi.Auth;

/// <summary>
/// Hands out OpenIddict's server handler only on the paths where its endpoints live (<c>/connect/…</c> and
/// <c>/.well-known/…</c>). The authentication middleware asks every request handler whether it wants to handle each
/// request; OpenIddict's answers "no" for every API call, but only after resolving its dispatcher and working out the
/// request's absolute URI, which was a sixth of the cost of <c>GET /api/auth/me</c> (docs/performance.md). No code
/// uses the server scheme on other paths.
/// </summary>
internal sealed class ServerEndpointsOnly(AuthenticationHandlerProvider inner) : IAuthenticationHandlerProvider
{
    private static readonly PathString[] ServerRoots = ["/connect", "/.well-known"];

    public Task<IAuthenticationHandler?> GetHandlerAsync(HttpContext context, string authenticationScheme) =>
        IsServerScheme(authenticationScheme) && !IsServerPath(context.Request.Path)
            ? Task.FromResult<IAuthenticationHandler?>(null)
            : inner.GetHandlerAsync(context, authenticationScheme);

    private static bool IsServerScheme(string scheme) => scheme == OpenIddictServerAspNetCoreDefaults.AuthenticationScheme;

    private static bool IsServerPath(PathString path) => ServerRoots.Any(root => path.StartsWithSegments(root));
}
