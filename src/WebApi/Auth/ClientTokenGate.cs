using System.Security.Claims;
using MediVault.Infrastructure.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MediVault.WebApi.Auth;

/// <summary>
/// The <c>/api</c> endpoints serve people. A client_credentials token is valid but acts for nobody, so every
/// <c>/api</c> endpoint that needs a signed-in caller answers it <c>403</c> with a problem document that says why,
/// not a misleading <c>401</c> (decisions.md §41). Its system scopes, if configured, are for the FHIR API only.
/// </summary>
internal sealed class ClientTokenGate(RequestDelegate next)
{
    private static readonly PathString Api = "/api";

    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problems)
    {
        if (context.Request.Path.StartsWithSegments(Api) && NeedsSignedInCaller(context) && context.User.IsClientActingForItself())
        {
            var clientId = context.User.GetClaim(Claims.ClientId);
            var scopes = context.User.GetScopes().Where(OAuthScopes.IsSystem).ToList();
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.Headers.CacheControl = "no-store";
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status403Forbidden,
                    Title = "A client token acts for no one",
                    Detail = $"This token was issued to the client '{clientId}' for itself (client_credentials): it acts for no patient or "
                        + "doctor, so the /api endpoints, which act for a signed-in person, refuse it. "
                        + (scopes.Count == 0
                            ? "The client holds no system scopes either; an administrator grants them in MediVault:Clients:N:SystemScopes."
                            : $"Its system scopes ({string.Join(' ', scopes)}) apply to the FHIR API under /fhir/r4 only."),
                },
            });
            return;
        }
        await next(context);
    }

    private static bool NeedsSignedInCaller(HttpContext context) =>
        context.GetEndpoint()?.Metadata is { } metadata
        && metadata.GetMetadata<IAuthorizeData>() is not null
        && metadata.GetMetadata<IAllowAnonymous>() is null;
}

internal static class ClientPrincipalExtensions
{
    /// <summary>
    /// A bearer token from the client_credentials grant: its subject is the client itself, and it carries no account.
    /// </summary>
    public static bool IsClientActingForItself(this ClaimsPrincipal principal) =>
        principal.Identity?.IsAuthenticated == true
        && principal.FindFirst(MediVaultClaims.AccountType) is null
        && principal.GetClaim(Claims.ClientId) is { } clientId
        && principal.GetClaim(Claims.Subject) == clientId;
}
