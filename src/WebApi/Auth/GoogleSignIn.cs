using System.Security.Claims;
using MediVault.Domain.Identity;
using MediVault.Infrastructure.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Google;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MediVault.WebApi.Auth;

/// <summary>
/// "Sign in with Google", switched on only when Authentication:Google:ClientId and ClientSecret are configured.
/// The callback links the account with the same verified email, or creates a patient account for it.
/// </summary>
internal static class GoogleSignIn
{
    public const string ExternalScheme = "External";
    private const string Section = "Authentication:Google";

    public static bool IsConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[$"{Section}:ClientId"]) && !string.IsNullOrWhiteSpace(configuration[$"{Section}:ClientSecret"]);

    public static void AddGoogleSignIn(this IServiceCollection services, AuthenticationBuilder authentication, IConfiguration configuration)
    {
        if (!IsConfigured(configuration))
            return;

        authentication.AddCookie(ExternalScheme, cookie =>
        {
            cookie.Cookie.Name = "mv_external";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax; // it must survive the redirect back from Google
            cookie.ExpireTimeSpan = TimeSpan.FromMinutes(5);
        });
        authentication.AddGoogle(google =>
        {
            google.SignInScheme = ExternalScheme;
            google.ClientId = configuration[$"{Section}:ClientId"]!;
            google.ClientSecret = configuration[$"{Section}:ClientSecret"]!;
            google.ClaimActions.MapJsonKey("email_verified", "email_verified");
            google.ClaimActions.MapJsonKey("email_verified", "verified_email");
            // Overridable for a stand-in of Google's endpoints (tests, an egress proxy).
            if (configuration[$"{Section}:AuthorizationEndpoint"] is { Length: > 0 } authorize)
                google.AuthorizationEndpoint = authorize;
            if (configuration[$"{Section}:TokenEndpoint"] is { Length: > 0 } token)
                google.TokenEndpoint = token;
            if (configuration[$"{Section}:UserInformationEndpoint"] is { Length: > 0 } userInfo)
                google.UserInformationEndpoint = userInfo;
        });
    }

    public static IEndpointRouteBuilder MapGoogleSignIn(this IEndpointRouteBuilder app, IConfiguration configuration)
    {
        var enabled = IsConfigured(configuration);
        var group = app.MapGroup("/api/auth").WithTags("Authentication");
        group.MapGet("/providers", () => TypedResults.Ok(new AuthProviders(enabled)))
            .WithName("GetAuthProviders").WithSummary("Which external sign-in providers are switched on.");
        group.MapGet("/google", (string? returnUrl) => enabled
                ? Results.Challenge(
                    new AuthenticationProperties { RedirectUri = "/api/auth/google/callback?returnUrl=" + Uri.EscapeDataString(LocalOrHome(returnUrl)) },
                    [GoogleDefaults.AuthenticationScheme])
                : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "Google sign-in is not configured on this server."))
            .WithName("SignInWithGoogle").WithSummary("Redirects to Google's sign-in when Google is configured.")
            .Produces(StatusCodes.Status302Found).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/google/callback", Callback).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> Callback(
        HttpContext context, string? returnUrl, UserManager<ApplicationUser> users, IOpenIddictAuthorizationManager authorizations,
        IOpenIddictApplicationManager applications, TimeProvider clock)
    {
        var external = await context.AuthenticateAsync(ExternalScheme);
        await context.SignOutAsync(ExternalScheme);
        var email = external.Principal?.FindFirstValue(ClaimTypes.Email);
        var verified = string.Equals(external.Principal?.FindFirstValue("email_verified"), "true", StringComparison.OrdinalIgnoreCase);
        if (!external.Succeeded || email is null || !verified)
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                detail: "Google did not confirm a verified email address.");

        var user = await users.FindByEmailAsync(email);
        if (user is null)
        {
            user = new ApplicationUser
            {
                Id = Guid.CreateVersion7(),
                UserName = email,
                Email = email,
                EmailConfirmed = true,
                FullName = external.Principal!.FindFirstValue(ClaimTypes.Name) is { Length: > 0 } name ? name : email,
                AccountType = AccountType.Patient,
                CreatedAt = clock.GetUtcNow().UtcDateTime,
            };
            var created = await users.CreateAsync(user);
            if (!created.Succeeded)
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: "The account could not be created.");
        }
        if (await users.IsLockedOutAsync(user))
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: ConnectEndpoints.AccountLocked);
        var subjectLogin = external.Principal!.FindFirstValue(ClaimTypes.NameIdentifier);
        if (subjectLogin is not null && await users.FindByLoginAsync(GoogleDefaults.AuthenticationScheme, subjectLogin) is null)
            await users.AddLoginAsync(user, new UserLoginInfo(GoogleDefaults.AuthenticationScheme, subjectLogin, "Google"));

        // A browser session like a password sign-in's: an authorization for the first-party client, named by the cookie.
        var application = await applications.FindByClientIdAsync(IdentityServices.FirstPartyClientId)
            ?? throw new InvalidOperationException("The first-party client is not registered.");
        var identity = new ClaimsIdentity("Google");
        identity.SetClaim(Claims.Subject, user.Id.ToString());
        var authorization = await authorizations.CreateAsync(
            new ClaimsPrincipal(identity), user.Id.ToString(), (await applications.GetIdAsync(application))!,
            AuthorizationTypes.AdHoc, [IdentityServices.ApiScope]);
        var sessionId = (await authorizations.GetIdAsync(authorization))!;
        await SessionCookie.SignInAsync(context, new SessionInfo(user.ToDto(), sessionId));
        return Results.Redirect(LocalOrHome(returnUrl));
    }

    /// <summary>Only local paths: an open redirect would let a phishing link borrow our sign-in.</summary>
    internal static string LocalOrHome(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : "/";
}

/// <summary>Which external sign-in providers the server offers.</summary>
public sealed record AuthProviders(bool Google);
