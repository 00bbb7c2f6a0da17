using System.Text.Json;
using Mediator;
using MediVault.Application.Identity.Passkeys;
using MediVault.Application.Identity.Passkeys.AddPasskey;
using MediVault.Application.Identity.Passkeys.BeginPasskeyRegistration;
using MediVault.Application.Identity.Passkeys.BeginPasskeySignIn;
using MediVault.Application.Identity.Passkeys.GetPasskey;
using MediVault.Application.Identity.Passkeys.ListPasskeys;
using MediVault.Application.Identity.Passkeys.RemovePasskey;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MediVault.WebApi.Auth;

/// <summary>
/// Passkeys (WebAuthn, issue 15): <c>/api/account/passkeys</c> adds, lists and removes the signed-in person's passkeys;
/// <c>/api/auth/passkey/options</c> starts a sign-in, and <c>POST /api/auth/passkey</c> (served by
/// <see cref="AuthApiAdapter"/> through the token endpoint) finishes it with the same session a password sign-in makes.
/// </summary>
internal static class PasskeyEndpoints
{
    public static IEndpointRouteBuilder MapPasskeyEndpoints(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/api/account/passkeys").RequireAuthorization().WithTags("Passkeys")
            .AddEndpointFilter(async (context, next) =>
            {
                context.HttpContext.Response.Headers.CacheControl = "no-store";
                return await next(context);
            });
        account.MapPost("/options", BeginRegistration).WithName("BeginPasskeyRegistration")
            .WithSummary("Options for navigator.credentials.create() and a single-use ceremony id (5 minutes).")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status409Conflict);
        account.MapPost("", Add).WithName("AddPasskey")
            .WithSummary("Keeps the passkey the browser created, under a name; the ceremony is spent either way.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status409Conflict);
        account.MapGet("", List).WithName("ListPasskeys").WithSummary("The signed-in person's passkeys.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        account.MapGet("/{id}", Get).WithName("GetPasskey")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        account.MapDelete("/{id}", Remove).WithName("RemovePasskey").WithSummary("Forgets a passkey: it signs nobody in any more.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);

        var auth = app.MapGroup("/api/auth/passkey").WithTags("Authentication").RequireRateLimiting(AuthSetup.AuthRateLimit);
        auth.MapPost("/options", BeginSignIn).WithName("BeginPasskeySignIn")
            .WithSummary("Options for navigator.credentials.get() and a single-use ceremony id (5 minutes); no account is named.")
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        // Served by AuthApiAdapter through the OAuth token endpoint; mapped here so the API description shows it.
        auth.MapPost("", (PasskeySignInRequest request) => Results.NotFound()).WithName("PasskeySignIn")
            .WithSummary("Signs in with a passkey (both factors: no second step); also sets the browser session cookie.")
            .Produces<LoginResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    /// <summary>Body of <c>POST /api/account/passkeys</c>.</summary>
    /// <param name="Ceremony">From <c>POST /api/account/passkeys/options</c>.</param>
    /// <param name="Credential">The <c>PublicKeyCredential</c> from <c>navigator.credentials.create()</c>, as JSON (<c>toJSON()</c>).</param>
    /// <param name="Name">How the person will recognise it, 1–50 characters.</param>
    public sealed record AddPasskeyRequest(string? Ceremony, JsonElement? Credential, string? Name);

    private static async Task<Ok<PasskeyCeremony>> BeginRegistration(IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new BeginPasskeyRegistration(), ct));

    private static async Task<Created<PasskeyDto>> Add(AddPasskeyRequest request, IMediator mediator, CancellationToken ct)
    {
        var credential = request.Credential is { ValueKind: JsonValueKind.Object } json ? json.GetRawText() : null;
        var passkey = await mediator.Send(new AddPasskey(request.Ceremony, credential, request.Name), ct);
        return TypedResults.Created($"/api/account/passkeys/{passkey.Id}", passkey);
    }

    private static async Task<Ok<IReadOnlyList<PasskeyDto>>> List(IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new ListPasskeys(), ct));

    private static async Task<Ok<PasskeyDto>> Get(string id, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new GetPasskey(id), ct));

    private static async Task<NoContent> Remove(string id, HttpContext context, IMediator mediator, CancellationToken ct)
    {
        // The caller's own session (the cookie's or the bearer token's authorization) stays.
        var sessionId = context.User.FindFirst(SessionCookie.SessionClaim)?.Value;
        await mediator.Send(new RemovePasskey(id, sessionId), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<PasskeyCeremony>> BeginSignIn(IMediator mediator, CancellationToken ct)
    {
        var ceremony = await mediator.Send(new BeginPasskeySignIn(), ct);
        return TypedResults.Ok(ceremony);
    }
}

/// <summary>Body of <c>POST /api/auth/passkey</c>.</summary>
/// <param name="Ceremony">From <c>POST /api/auth/passkey/options</c>.</param>
/// <param name="Credential">The <c>PublicKeyCredential</c> from <c>navigator.credentials.get()</c>, as JSON (<c>toJSON()</c>).</param>
public sealed record PasskeySignInRequest(string Ceremony, JsonElement Credential);
