using Mediator;
using MediVault.Application.Identity;
using MediVault.Application.Identity.ChangePassword;
using MediVault.Application.Identity.ForgotPassword;
using MediVault.Application.Identity.GetCurrentUser;
using MediVault.Application.Identity.Register;
using MediVault.Application.Identity.ResetPassword;
using MediVault.Application.Identity.TwoFactor;
using MediVault.Application.Identity.TwoFactor.BeginTwoFactorSetup;
using MediVault.Application.Identity.TwoFactor.ConfirmTwoFactorSetup;
using MediVault.Application.Identity.TwoFactor.DisableTwoFactor;
using MediVault.Application.Identity.TwoFactor.GetTwoFactorStatus;
using MediVault.Application.Identity.TwoFactor.RegenerateRecoveryCodes;
using MediVault.Application.Identity.UpdateProfile;
using MediVault.Domain.Identity;
using MediVault.Infrastructure.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MediVault.WebApi.Auth;

/// <summary><c>/api/auth</c>: accounts, sessions and the signed-in user's profile.</summary>
internal static class AuthEndpoints
{
    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder app, IConfiguration configuration)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Authentication");

        auth.MapPost("/register", Register).RequireRateLimiting(AuthSetup.AuthRateLimit)
            .WithName("Register").WithSummary("Opens a patient or doctor account.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status429TooManyRequests);

        // Served by AuthApiAdapter through the OAuth token endpoint; mapped here so the API description shows them.
        auth.MapPost("/login", (LoginRequest request) => Results.NotFound())
            .RequireRateLimiting(AuthSetup.AuthRateLimit)
            .WithName("Login").WithSummary("Signs in with email and password; also sets the browser session cookie.")
            .Produces<LoginResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        auth.MapPost("/refresh", (RefreshRequest request) => Results.NotFound())
            .RequireRateLimiting(AuthSetup.AuthRateLimit)
            .WithName("Refresh").WithSummary("Trades a refresh token for new tokens; the old refresh token stops working.")
            .Produces<LoginResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        auth.MapPost("/logout", Logout).RequireAuthorization()
            .WithName("Logout").WithSummary("Ends the session: its tokens, refresh token and cookie stop working.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        auth.MapGet("/me", Me).RequireAuthorization()
            .WithName("GetCurrentUser").ProducesProblem(StatusCodes.Status401Unauthorized);
        auth.MapPatch("/me", UpdateMe).RequireAuthorization()
            .WithName("UpdateCurrentUser").WithSummary("Changes the signed-in user's name or specialty.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized);
        auth.MapPost("/change-password", ChangePassword).RequireAuthorization()
            .WithName("ChangePassword").WithSummary("Changes the password; every other session ends.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized);

        auth.MapPost("/login/two-factor", (TwoFactorLoginRequest request) => Results.NotFound())
            .RequireRateLimiting(AuthSetup.AuthRateLimit)
            .WithName("LoginTwoFactor").WithSummary("The second step of a sign-in with two-factor on: the challenge and a code (or a recovery code).")
            .Produces<LoginResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        auth.MapPost("/forgot-password", ForgotPassword).RequireRateLimiting(AuthSetup.AuthRateLimit)
            .WithName("ForgotPassword").WithSummary("Emails a single-use reset link (30 minutes) if an account has this email; the answer is the same either way.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status429TooManyRequests);
        auth.MapPost("/reset-password", ResetPassword).RequireRateLimiting(AuthSetup.AuthRateLimit)
            .WithName("ResetPassword").WithSummary("Sets a new password with a reset link's token; every session of the account ends.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status429TooManyRequests);

        var twoFactor = auth.MapGroup("/two-factor").RequireAuthorization().WithTags("Authentication")
            .AddEndpointFilter(async (context, next) =>
            {
                context.HttpContext.Response.Headers.CacheControl = "no-store";
                return await next(context);
            });
        twoFactor.MapGet("", TwoFactorStatus).WithName("GetTwoFactorStatus")
            .WithSummary("Whether sign-in asks for a code, whether the account must, and how many recovery codes are left.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        twoFactor.MapPost("/setup", BeginSetup).WithName("BeginTwoFactorSetup")
            .WithSummary("A new authenticator key: its otpauth URI and QR code. Sign-in does not change until confirmed.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status409Conflict);
        twoFactor.MapPost("/confirm", ConfirmSetup).WithName("ConfirmTwoFactorSetup")
            .WithSummary("Turns two-factor sign-in on with a code from the app; answers 10 recovery codes, shown once.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status409Conflict);
        twoFactor.MapPost("/disable", Disable).WithName("DisableTwoFactor")
            .WithSummary("Turns two-factor sign-in off with a current code or a recovery code (a doctor must then set it up again).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status409Conflict);
        twoFactor.MapPost("/recovery-codes", RegenerateRecoveryCodes).WithName("RegenerateRecoveryCodes")
            .WithSummary("Replaces the recovery codes with 10 new ones (a current code from the app is needed).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status409Conflict);

        app.MapGoogleSignIn(configuration);
        return app;
    }

    /// <summary>Body of <c>POST /api/auth/register</c>.</summary>
    public sealed record RegisterRequest(
        string? Email, string? Password, string? FullName, AccountType? AccountType, string? LicenseNumber, string? Specialty);

    /// <summary>Body of <c>PATCH /api/auth/me</c>.</summary>
    public sealed record UpdateMeRequest(string? FullName, string? Specialty);

    /// <summary>Body of <c>POST /api/auth/change-password</c>.</summary>
    public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

    /// <summary>Body of <c>POST /api/auth/forgot-password</c>.</summary>
    public sealed record ForgotPasswordRequest(string? Email);

    /// <summary>Body of <c>POST /api/auth/reset-password</c>.</summary>
    public sealed record ResetPasswordRequest(string? Token, string? NewPassword);

    /// <summary>Body of the two-factor changes: a code from the authenticator app (or, to turn it off, a recovery code).</summary>
    public sealed record TwoFactorCodeRequest(string? Code);

    /// <summary>The answer to forgot-password, whatever the email.</summary>
    public sealed record ForgotPasswordAccepted(string Message);

    private static async Task<Accepted<ForgotPasswordAccepted>> ForgotPassword(ForgotPasswordRequest request, IMediator mediator, CancellationToken ct)
    {
        await mediator.Send(new ForgotPassword(request.Email), ct);
        return TypedResults.Accepted((string?)null, new ForgotPasswordAccepted(
            "If an account has this email, a link to reset its password is on its way. The link works once, for 30 minutes."));
    }

    private static async Task<NoContent> ResetPassword(ResetPasswordRequest request, IMediator mediator, CancellationToken ct)
    {
        await mediator.Send(new ResetPassword(request.Token, request.NewPassword), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<TwoFactorStatus>> TwoFactorStatus(IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new GetTwoFactorStatus(), ct));

    private static async Task<Ok<AuthenticatorSetup>> BeginSetup(IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new BeginTwoFactorSetup(), ct));

    private static async Task<Ok<RecoveryCodes>> ConfirmSetup(TwoFactorCodeRequest request, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new ConfirmTwoFactorSetup(request.Code), ct));

    private static async Task<NoContent> Disable(TwoFactorCodeRequest request, IMediator mediator, CancellationToken ct)
    {
        await mediator.Send(new DisableTwoFactor(request.Code), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<RecoveryCodes>> RegenerateRecoveryCodes(TwoFactorCodeRequest request, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new RegenerateRecoveryCodes(request.Code), ct));

    private static async Task<Created<UserDto>> Register(RegisterRequest request, IMediator mediator, CancellationToken ct)
    {
        var user = await mediator.Send(new Register(
            request.Email, request.Password, request.FullName, request.AccountType, request.LicenseNumber, request.Specialty), ct);
        return TypedResults.Created("/api/auth/me", user);
    }

    private static async Task<NoContent> Logout(HttpContext context, SessionRevoker sessions, CancellationToken ct)
    {
        if (context.User.FindFirst(SessionCookie.SessionClaim)?.Value is { } sessionId)
            await sessions.RevokeAsync(sessionId, ct);
        await SessionCookie.SignOutAsync(context);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<UserDto>> Me(IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new GetCurrentUser(), ct));

    private static async Task<Ok<UserDto>> UpdateMe(UpdateMeRequest request, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new UpdateProfile(request.FullName, request.Specialty), ct));

    private static async Task<NoContent> ChangePassword(ChangePasswordRequest request, HttpContext context, IMediator mediator, CancellationToken ct)
    {
        var sessionId = context.User.FindFirst(SessionCookie.SessionClaim)?.Value;
        await mediator.Send(new ChangePassword(request.CurrentPassword, request.NewPassword, sessionId), ct);
        return TypedResults.NoContent();
    }
}
