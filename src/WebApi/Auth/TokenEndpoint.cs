using System.Collections.Immutable;
using System.Security.Claims;
using MediVault.Application.Common.Access;
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
        HttpContext context, UserManager<ApplicationUser> users, IOpenIddictAuthorizationManager authorizations,
        UnknownAccountLockout unknownLockout, AppDbContext db, TimeProvider clock, SessionRevoker sessions,
        TwoFactorChallenges challenges, TwoFactorCodes codes, PasskeySignIn passkeys)
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

            // Identity's CheckPasswordSignInAsync, without its "remembered two-factor client" cookie (no such cookie here):
            // a right password resets the failure count only when no second step follows.
            if (await users.IsLockedOutAsync(user) || !await CheckPasswordAsync(users, user, request.Password ?? ""))
            {
                if (!await users.IsLockedOutAsync(user))
                    return Reject(InvalidCredentials);
                // A locked account keeps no open session: its tokens and cookies stop working with the next request.
                await sessions.RevokeAllAsync(user.Id, keepSessionId: null, context.RequestAborted);
                return Locked(context, await users.GetLockoutEndDateAsync(user), clock);
            }
            if (user.TwoFactorEnabled)
            {
                // The password was right; the tokens come with the second step (AuthApiAdapter answers the challenge).
                context.Items[TwoFactorStep.ItemKey] = new TwoFactorStep(await challenges.IssueAsync(user.Id, context.RequestAborted), TwoFactorChallenges.Lifetime);
                return Reject(TwoFactorStep.Required);
            }
            await users.ResetAccessFailedCountAsync(user);
            return await CompleteSignInAsync(context, user, request, authorizations, db, clock);
        }

        if (request.GrantType == TwoFactorGrant.Type)
        {
            var challenge = (string?)request[TwoFactorGrant.ChallengeParameter];
            var user = await challenges.PeekAsync(challenge, context.RequestAborted) is { } userId ? await users.FindByIdAsync(userId.ToString()) : null;
            if (user is null || !user.TwoFactorEnabled)
                return Reject(TwoFactorStep.ChallengeExpired);
            switch (await codes.CheckAsync(user, (string?)request[TwoFactorGrant.CodeParameter] ?? "", allowRecoveryCode: true, context.RequestAborted))
            {
                case TwoFactorCodeOutcome.Locked:
                    await challenges.SpendAsync(challenge!, context.RequestAborted);
                    return Locked(context, await users.GetLockoutEndDateAsync(user), clock);
                case TwoFactorCodeOutcome.Wrong:
                    return Reject(TwoFactorStep.WrongCode);
            }
            // Of two requests racing with one challenge, only the one that spends it signs in.
            if (!await challenges.SpendAsync(challenge!, context.RequestAborted))
                return Reject(TwoFactorStep.ChallengeExpired);
            return await CompleteSignInAsync(context, user, request, authorizations, db, clock);
        }

        if (request.GrantType == PasskeyGrant.Type)
        {
            // A passkey with user verification is both factors (something held, and a PIN or biometric that unlocks
            // it), so it needs no second step, even for a doctor (docs/decisions.md §101).
            var (user, passkeyId, failure) = await passkeys.VerifyAsync(
                (string?)request[PasskeyGrant.CeremonyParameter], (string?)request[PasskeyGrant.CredentialParameter], context);
            if (user is null)
                return Reject(failure!);
            if (await users.IsLockedOutAsync(user))
                return Locked(context, await users.GetLockoutEndDateAsync(user), clock);
            var signedIn = await CompleteSignInAsync(context, user, request, authorizations, db, clock);
            // Removing this passkey later ends the session it started (a lost phone's sessions end with its key).
            await sessions.MarkSignedInWithPasskeyAsync(((SessionInfo)context.Items[SessionInfo.ItemKey]!).SessionId, passkeyId!, context.RequestAborted);
            return signedIn;
        }

        if (request.IsRefreshTokenGrantType() || request.IsAuthorizationCodeGrantType())
        {
            var stored = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var user = stored.Principal?.GetClaim(Claims.Subject) is { } subject ? await users.FindByIdAsync(subject) : null;
            if (user is null || await users.IsLockedOutAsync(user))
                return Reject("The session is no longer valid. Sign in again.");

            var principal = await SignInPrincipalAsync(
                context, user, stored.Principal!.GetScopes(), authorizations, request.ClientId, stored.Principal!.GetAuthorizationId());
            return Results.SignIn(principal, PatientContext.TokenResponseParameters(principal),
                OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if (request.IsClientCredentialsGrantType())
        {
            // An integration acting for itself: no user, no account type. It holds only the system scopes its
            // configuration grants (OpenIddict refuses any other system scope: decisions.md §41).
            var personal = request.GetScopes().Where(scope => scope != IdentityServices.ApiScope && !OAuthScopes.IsSystem(scope)).ToList();
            if (personal.Count > 0)
            {
                return Reject(
                    $"A client acting for itself acts for no person: it may hold system/ scopes only, not {string.Join(' ', personal)}.",
                    Errors.InvalidScope);
            }
            var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
            identity.SetClaim(Claims.Subject, request.ClientId).SetClaim(Claims.Name, request.ClientId).SetClaim(Claims.ClientId, request.ClientId);
            identity.SetScopes(request.GetScopes());
            identity.SetResources(IdentityServices.ApiScope);
            identity.SetDestinations(_ => [Destinations.AccessToken]);
            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        return Reject("This grant type is not supported.", Errors.UnsupportedGrantType);
    }

    /// <summary>
    /// The authorization-code flow's front door. A browser without a session goes to the web app's sign-in and comes
    /// back here; an integration client then needs the person's consent (remembered per client and scope set, asked
    /// again when the scopes grow or <c>prompt=consent</c> is sent); the answer goes back to the client's redirect URI.
    /// </summary>
    private static async Task<IResult> Authorize(
        HttpContext context, UserManager<ApplicationUser> users, IOpenIddictAuthorizationManager authorizations,
        IOpenIddictApplicationManager applications, ClientConsents consents)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict request is missing.");
        var scopes = request.GetScopes();
        if (scopes.Any(OAuthScopes.IsSystem))
            return RejectAuthorization(Errors.InvalidScope, "system/ scopes are for a client acting for itself (client_credentials), never through a person.");

        var session = await context.AuthenticateAsync(SessionCookie.Scheme);
        var user = session.Principal?.FindFirst(MediVaultClaims.Subject)?.Value is { } subject ? await users.FindByIdAsync(subject) : null;
        if (user is null)
        {
            return request.HasPromptValue(PromptValues.None)
                ? RejectAuthorization(Errors.LoginRequired, "The person is not signed in to MediVault.")
                : Results.Redirect(SignInPage.For(context, AuthorizeUrl(context, request)));
        }
        if (user.ToDto().MustSetUpTwoFactor)
        {
            // A doctor without two-factor sign-in gives no app access: the web app sets it up, then comes back here.
            return request.HasPromptValue(PromptValues.None)
                ? RejectAuthorization(Errors.InteractionRequired, "The person must set up two-factor sign-in in MediVault first.")
                : Results.Redirect(SignInPage.For(context, AuthorizeUrl(context, request)));
        }

        var application = await applications.FindByClientIdAsync(request.ClientId!, context.RequestAborted)
            ?? throw new InvalidOperationException("OpenIddict let through an unknown client.");
        var applicationId = (await applications.GetIdAsync(application, context.RequestAborted))!;
        if (await applications.HasConsentTypeAsync(application, ConsentTypes.Implicit, context.RequestAborted))
            return await IssueCodeAsync(context, user, scopes, authorizations, request.ClientId, sessionId: null);

        var userId = user.Id.ToString();
        var xsrf = session.Principal!.FindFirst(SessionCookie.XsrfClaim)?.Value ?? "";
        if (HttpMethods.IsPost(context.Request.Method))
        {
            // The person's answer on the consent screen: it must come from our page, in this session.
            if (!AuthSetup.SecretsEqual(xsrf, (string?)request[ConsentPage.XsrfField]))
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Missing anti-forgery token",
                    detail: "The consent answer did not come from MediVault's consent screen in this session. Start again from the app.");
            switch ((string?)request[ConsentPage.DecisionField])
            {
                case ConsentPage.Deny:
                    return RejectAuthorization(Errors.AccessDenied, "The person declined to let the app use their MediVault account.");
                case ConsentPage.Allow:
                    var approved = await consents.RememberAsync(
                        PrincipalForConsent(user, scopes), userId, applicationId, scopes, context.RequestAborted);
                    return await IssueCodeAsync(context, user, scopes, authorizations, request.ClientId, approved.Id);
                default:
                    return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request",
                        detail: $"{ConsentPage.DecisionField} must be {ConsentPage.Allow} or {ConsentPage.Deny}.");
            }
        }

        var consent = await consents.FindAsync(userId, applicationId, context.RequestAborted);
        if (consent is not null && consent.Covers(scopes) && !request.HasPromptValue(PromptValues.Consent))
            return await IssueCodeAsync(context, user, scopes, authorizations, request.ClientId, consent.Id);
        if (request.HasPromptValue(PromptValues.None))
            return RejectAuthorization(Errors.ConsentRequired, "The person has not yet allowed this app these scopes.");

        var clientName = await applications.GetDisplayNameAsync(application, context.RequestAborted) ?? request.ClientId!;
        return ConsentPage.Render(context, request, clientName, user.FullName, xsrf);
    }

    private static async Task<IResult> IssueCodeAsync(
        HttpContext context, ApplicationUser user, IEnumerable<string> scopes, IOpenIddictAuthorizationManager authorizations,
        string? clientId, string? sessionId)
    {
        var principal = await SignInPrincipalAsync(context, user, scopes, authorizations, clientId, sessionId);
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>The identity stored with a consent: who consented, to what.</summary>
    private static ClaimsPrincipal PrincipalForConsent(ApplicationUser user, ImmutableArray<string> scopes)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Id.ToString()).SetClaim(Claims.Name, user.FullName);
        identity.SetScopes(scopes);
        return new ClaimsPrincipal(identity);
    }

    /// <summary>The authorization request as a GET URL, to come back to after signing in (our own form fields left out).</summary>
    private static string AuthorizeUrl(HttpContext context, OpenIddictRequest request) =>
        context.Request.PathBase + "/connect/authorize" + QueryString.Create(
            request.GetParameters()
                .Where(parameter => !ConsentPage.IsOwnField(parameter.Key) && (string?)parameter.Value is not null)
                .Select(parameter => KeyValuePair.Create(parameter.Key, (string?)parameter.Value)));

    /// <summary>An error answer to the client, sent to its redirect URI (access_denied, consent_required, …).</summary>
    /// <summary>A new session for a person whose sign-in is complete (password, and the code when two-factor is on).</summary>
    private static async Task<IResult> CompleteSignInAsync(
        HttpContext context, ApplicationUser user, OpenIddictRequest request, IOpenIddictAuthorizationManager authorizations,
        AppDbContext db, TimeProvider clock)
    {
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

    /// <summary>The password check of Identity's sign-in: a wrong password counts towards the lockout.</summary>
    private static async Task<bool> CheckPasswordAsync(UserManager<ApplicationUser> users, ApplicationUser user, string password)
    {
        if (await users.CheckPasswordAsync(user, password))
            return true;
        await users.AccessFailedAsync(user);
        return false;
    }

    private static IResult RejectAuthorization(string error, string description) => Reject(description, error);

    private static async Task<IResult> UserInfo(HttpContext context, UserManager<ApplicationUser> users)
    {
        var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        if (result.Principal is not { } principal)
            return Results.Challenge(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

        // A client_credentials token names a client, not a person: there is no one to describe.
        if (!Guid.TryParse(principal.GetClaim(Claims.Subject), out var userId))
        {
            return Results.Forbid(
                new AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InsufficientAccess,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] =
                        "This token was issued to a client acting for itself (client_credentials): it names no user.",
                }),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var user = await users.FindByIdAsync(userId.ToString());
        if (user is null)
            return Results.Challenge(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        var claims = new Dictionary<string, object?>
        {
            [Claims.Subject] = user.Id.ToString(),
            [Claims.Name] = user.FullName,
            [Claims.Email] = user.Email,
            [MediVaultClaims.AccountType] = user.AccountType.ToString().ToLowerInvariant(),
        };
        if (principal.HasScope(SmartScopes.FhirUser))
            claims[SmartScopes.FhirUser] = FhirUser.Of(user);
        return Results.Ok(claims);
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
        if (identity.HasScope(SmartScopes.FhirUser))
            identity.SetClaim(SmartScopes.FhirUser, FhirUser.Of(user));
        if (PatientContext.Applies(identity, user))
            identity.SetClaim(PatientContext.Claim, user.Id.ToString());

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
            Claims.Name or Claims.Email or SmartScopes.FhirUser when identity.HasScope(Scopes.OpenId) => [Destinations.AccessToken, Destinations.IdentityToken],
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
