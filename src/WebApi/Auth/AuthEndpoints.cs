using Mediator;
using MediVault.Application.Identity;
using MediVault.Application.Identity.ChangePassword;
using MediVault.Application.Identity.GetCurrentUser;
using MediVault.Application.Identity.Register;
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
