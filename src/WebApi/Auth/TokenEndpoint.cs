using System.Security.Claims;
using MediVault.Application.Identity;
using MediVault.Domain.Audit;
using MediVault.Domain.Identity;
using MediVault.Infrastructure.Identity;
using MediVault.Infrastructure.Persistence;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MediVault.WebApi.Auth;

/// <summary>
/// The OAuth 2.0 / OpenID Connect endpoints behind OpenIddict (which has already validated the request's protocol
/// shape): here we decide who is signed in. Also serves /api/auth/login and /refresh through <see cref="AuthApiAdapter"/>.
/// </summary>
internal static class ConnectEndpoints
{
    public const string InvalidCredentials = "The email or password is incorrect.";
    public const string AccountLocked = "Too many failed sign-in attempts. The account is locked for 15 minutes.";

    public static IEndpointRouteBuilder MapConnectEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/connect/token", Token).RequireRateLimiting(AuthSetup.AuthRateLimit).ExcludeFromDescription();
        app.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], Authorize).ExcludeFromDescription();
        app.MapMethods("/connect/userinfo", [HttpMethods.Get, HttpMethods.Post], UserInfo).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> Token(
        HttpContext context, UserManager<ApplicationUser> users, SignInManager<ApplicationUser> signIn,
        IOpenIddictAuthorizationManager authorizations, UnknownAccountLockout unknownLockout, AppDbContext db, TimeProvider clock,
        SessionRevoker sessions)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict request is missing.");

        if (request.IsPasswordGrantType())
        {
            var email = request.Username ?? "";
            var user = await users.FindByEmailAsync(email);
            if (user is null)
            {
                // Same work and same answers as for a real account: hash the password, count the failure, lock.
                users.PasswordHasher.VerifyHashedPassword(new ApplicationUser(), DummyHash.Value, request.Password ?? "");
                if (unknownLockout.IsLocked(email) || unknownLockout.RecordFailure(email))
                    return Locked(context, unknownLockout.LockedUntil(email), clock);
                return Reject(InvalidCredentials);
            }

            var result = await signIn.CheckPasswordSignInAsync(user, request.Password ?? "", lockoutOnFailure: true);
            if (result.IsLockedOut)
            {
                // A locked account keeps no open session: its tokens and cookies stop working with the next request.
                await sessions.RevokeAllAsync(user.Id, keepSessionId: null, context.RequestAborted);
                return Locked(context, await users.GetLockoutEndDateAsync(user), clock);
            }
            if (!result.Succeeded)
                return Reject(InvalidCredentials);

            var scopes = request.GetScopes().Add(Scopes.OfflineAccess).Add(IdentityServices.ApiScope);
            var principal = await SignInPrincipalAsync(context, user, scopes, authorizations, request.ClientId, sessionId: null);
            if (user.AccountType == AccountType.Patient)
            {
                db.AccessLogEntries.Add(AccessLogEntry.Create(
                    user.Id, clock.GetUtcNow().UtcDateTime, AccessAction.Login, user.Id, user.FullName, ActorRole.Patient, "account", user.Id,
                    context.Connection.RemoteIpAddress?.ToString(), context.Request.Headers.UserAgent.ToString(), AccessOutcome.Success));
                await db.SaveChangesAsync(context.RequestAborted);
            }
            return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if (request.IsRefreshTokenGrantType() || request.IsAuthorizationCodeGrantType())
        {
            var stored = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var user = stored.Principal?.GetClaim(Claims.Subject) is { } subject ? await users.FindByIdAsync(subject) : null;
            if (user is null || await users.IsLockedOutAsync(user))
                return Reject("The session is no longer valid. Sign in again.");

            var principal = await SignInPrincipalAsync(
                context, user, stored.Principal!.GetScopes(), authorizations, request.ClientId, stored.Principal!.GetAuthorizationId());
            return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if (request.IsClientCredentialsGrantType())
        {
            // An integration acting for itself: no user, no account type, so no patient's records.
            var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
            identity.SetClaim(Claims.Subject, request.ClientId).SetClaim(Claims.Name, request.ClientId).SetClaim("client_id", request.ClientId);
            identity.SetScopes(request.GetScopes().Intersect([IdentityServices.ApiScope]));
            identity.SetDestinations(_ => [Destinations.AccessToken]);
            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        return Reject("This grant type is not supported.", Errors.UnsupportedGrantType);
    }

    private static async Task<IResult> Authorize(HttpContext context, UserManager<ApplicationUser> users, IOpenIddictAuthorizationManager authorizations)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict request is missing.");

        var session = await context.AuthenticateAsync(SessionCookie.Scheme);
        var user = session.Principal?.FindFirst(MediVaultClaims.Subject)?.Value is { } subject ? await users.FindByIdAsync(subject) : null;
        if (user is null)
            return Results.Challenge(authenticationSchemes: [SessionCookie.Scheme]);

        var principal = await SignInPrincipalAsync(context, user, request.GetScopes(), authorizations, request.ClientId, sessionId: null);
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> UserInfo(HttpContext context, UserManager<ApplicationUser> users)
    {
        var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var user = result.Principal?.GetClaim(Claims.Subject) is { } subject ? await users.FindByIdAsync(subject) : null;
        if (user is null)
            return Results.Challenge(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        return Results.Ok(new Dictionary<string, object?>
        {
            [Claims.Subject] = user.Id.ToString(),
            [Claims.Name] = user.FullName,
            [Claims.Email] = user.Email,
            [MediVaultClaims.AccountType] = user.AccountType.ToString().ToLowerInvariant(),
        });
    }

    /// <summary>
    /// The principal for a user's tokens. A new sign-in starts a session (an OpenIddict authorization); a refresh
    /// keeps its session. The session is left in HttpContext.Items for the /api/auth adapter's cookie.
    /// </summary>
    private static async Task<ClaimsPrincipal> SignInPrincipalAsync(
        HttpContext context, ApplicationUser user, IEnumerable<string> scopes, IOpenIddictAuthorizationManager authorizations,
        string? clientId, string? sessionId)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Id.ToString())
            .SetClaim(Claims.Name, user.FullName)
            .SetClaim(Claims.Email, user.Email)
            .SetClaim(MediVaultClaims.AccountType, user.AccountType.ToString());
        identity.SetScopes(scopes);
        identity.SetResources(IdentityServices.ApiScope);

        if (sessionId is null)
        {
            var authorization = await authorizations.CreateAsync(
                new ClaimsPrincipal(identity), user.Id.ToString(), await ClientIdOrThrow(context, clientId),
                AuthorizationTypes.AdHoc, identity.GetScopes(), context.RequestAborted);
            sessionId = await authorizations.GetIdAsync(authorization, context.RequestAborted)
                ?? throw new InvalidOperationException("The session has no id.");
        }
        identity.SetAuthorizationId(sessionId);
        identity.SetDestinations(claim => claim.Type switch
        {
            Claims.Name or Claims.Email when identity.HasScope(Scopes.OpenId) => [Destinations.AccessToken, Destinations.IdentityToken],
            _ => [Destinations.AccessToken],
        });

        context.Items[SessionInfo.ItemKey] = new SessionInfo(user.ToDto(), sessionId);
        return new ClaimsPrincipal(identity);
    }

    private static async Task<string> ClientIdOrThrow(HttpContext context, string? clientId)
    {
        var applications = context.RequestServices.GetRequiredService<IOpenIddictApplicationManager>();
        var application = await applications.FindByClientIdAsync(clientId ?? IdentityServices.FirstPartyClientId, context.RequestAborted)
            ?? throw new InvalidOperationException("The client application is not registered.");
        return await applications.GetIdAsync(application, context.RequestAborted)
            ?? throw new InvalidOperationException("The client application has no id.");
    }

    /// <summary>The lockout answer, with <c>Retry-After</c> (RFC 9110 §10.2.3): the whole seconds until the lock ends.</summary>
    private static IResult Locked(HttpContext context, DateTimeOffset? lockedUntil, TimeProvider clock)
    {
        var seconds = lockedUntil is { } until ? Math.Ceiling((until - clock.GetUtcNow()).TotalSeconds) : 0;
        context.Response.Headers.RetryAfter = ((long)Math.Max(1, seconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Reject(AccountLocked);
    }

    private static IResult Reject(string description, string error = Errors.InvalidGrant) =>
        Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    private static class DummyHash
    {
        public static readonly string Value = new PasswordHasher<ApplicationUser>().HashPassword(new ApplicationUser(), "not-a-real-password-" + Guid.NewGuid());
    }
}
