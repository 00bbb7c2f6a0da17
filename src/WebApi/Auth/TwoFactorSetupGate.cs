using MediVault.Application.Identity;
using MediVault.Infrastructure.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MediVault.WebApi.Auth;

/// <summary>
/// Doctors must use two-factor sign-in. A doctor's first sign-in (by password) works, but until two-factor is set up
/// every endpoint that needs a signed-in caller answers <c>403</c> with a problem document that says so, except the
/// few that set it up or end the session (docs/authentication.md, "Two-factor sign-in"). The state is read live (the
/// profile cache, which a setup change empties), so the session that completes the setup goes on working.
/// </summary>
internal sealed class TwoFactorSetupGate(RequestDelegate next)
{
    public const string Title = "Two-factor sign-in must be set up first";
    public const string Detail = "Doctor accounts use two-factor sign-in. Set it up under Account (POST /api/auth/two-factor/setup, then "
        + "/api/auth/two-factor/confirm with a code from your authenticator app); until then this account can do nothing else.";

    /// <summary>What a doctor without two-factor may still do: see who they are, set it up, sign out.</summary>
    private static readonly PathString[] Allowed = ["/api/auth/me", "/api/auth/two-factor", "/api/auth/logout"];

    /// <remarks>
    /// The account service is resolved only for a doctor's request: taken as a parameter, it was built for every request
    /// (Identity's user manager and its dependencies, about a tenth of a bearer request's CPU time; decisions §120).
    /// </remarks>
    public async Task InvokeAsync(HttpContext context)
    {
        if (NeedsSignedInCaller(context) && !Allowed.Any(p => context.Request.Path.StartsWithSegments(p))
            && context.User.FindFirst(MediVaultClaims.AccountType)?.Value == nameof(Domain.Identity.AccountType.Doctor)
            && Guid.TryParse(context.User.FindFirst(Claims.Subject)?.Value, out var userId)
            && await context.RequestServices.GetRequiredService<IAccountService>().FindAsync(userId, context.RequestAborted) is { MustSetUpTwoFactor: true })
        {
            var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.Headers.CacheControl = "no-store";
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status403Forbidden,
                    Type = "https://medivault.example/problems/two-factor-setup-required",
                    Title = Title,
                    Detail = Detail,
                },
            });
            return;
        }
        await next(context);
    }

    private static bool NeedsSignedInCaller(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true
        && context.GetEndpoint()?.Metadata is { } metadata
        && metadata.GetMetadata<IAuthorizeData>() is not null
        && metadata.GetMetadata<IAllowAnonymous>() is null;
}
