using Mediator;
using MediVault.Application.Emergency;
using MediVault.Application.Emergency.AccessEmergencyProfile;
using MediVault.Application.Emergency.DownloadSummaryPdf;
using MediVault.Application.Emergency.GenerateQrCode;
using MediVault.Application.Emergency.GetEmergencyProfile;
using MediVault.Application.Emergency.ListQrCodes;
using MediVault.Application.Emergency.RevokeQrCode;
using MediVault.Application.Emergency.UpsertEmergencyProfile;
using MediVault.WebApi.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MediVault.WebApi.Endpoints;

/// <summary>The emergency profile, the QR codes that share it, and the page a QR code opens.</summary>
public static class EmergencyEndpoints
{
    /// <summary>The emergency page, served for <c>/emergency#t={token}</c> and <c>/emergency/{token}</c> (docs/emergency.md).</summary>
    public const string EmergencyPagePath = "emergency/index.html";

    /// <summary>The page loads only its own script and style sheet and talks only to this server.</summary>
    private const string EmergencyPagePolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>The SMART Health Link viewer, served for <c>/shl#shlink:/…</c> (docs/emergency.md).</summary>
    public const string ShlViewerPath = "shl/index.html";

    /// <summary>
    /// The viewer runs only its own script and style sheet; it may fetch from any HTTPS origin, because a link issued by
    /// another server names that server's manifest (its CORS decides), and from this one.
    /// </summary>
    private const string ShlViewerPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' https:; img-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static IEndpointRouteBuilder MapEmergencyEndpoints(this IEndpointRouteBuilder app)
    {
        var profile = app.MapGroup("/api/emergency-profile").RequireAuthorization().WithTags("Emergency profile");
        profile.MapGet("/{userId:guid}", GetProfile).WithName("GetEmergencyProfile")
            .WithSummary("A patient's emergency profile (the patient, or a doctor with an active grant).")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        profile.MapPost("/{userId:guid}", SaveProfile).WithName("SaveEmergencyProfile")
            .WithSummary("Creates or replaces the patient's emergency profile (the patient only).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        profile.MapPut("/{userId:guid}", SaveProfile).WithName("ReplaceEmergencyProfile")
            .WithSummary("Same as POST: creates or replaces the patient's emergency profile.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);

        profile.MapGet("/{userId:guid}/summary.pdf", SummaryPdf).WithName("DownloadSummaryPdf")
            .WithSummary("The patient's summary (the International Patient Summary's content) as a printable A4 PDF: the patient, or a doctor with an active grant.")
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);

        var qr = app.MapGroup("/api/qr").WithTags("Emergency QR codes");
        qr.MapPost("/generate", Generate).RequireAuthorization().WithName("GenerateQrCode")
            .WithSummary("Issues an emergency code for the signed-in patient's profile.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        qr.MapGet("/codes", List).RequireAuthorization().WithName("ListQrCodes")
            .WithSummary("The signed-in patient's emergency codes, newest first, without tokens.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        qr.MapDelete("/{id:guid}", Revoke).RequireAuthorization().WithName("RevokeQrCode")
            .WithSummary("Revokes one of the signed-in patient's emergency codes.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        qr.MapGet("/access/{token}", Access).AllowAnonymous().RequireRateLimiting(AuthSetup.QrAccessRateLimit).WithName("AccessEmergencyProfile")
            .WithSummary("The first responder's view of a patient's emergency profile, for the token of a valid code. Anonymous.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        qr.MapPost("/access", AccessPathFree).AllowAnonymous().RequireRateLimiting(AuthSetup.QrAccessRateLimit)
            .WithName("AccessEmergencyProfileByBody")
            .WithSummary("The same answers as GET /api/qr/access/{token}, with the token in the body { \"token\" }, out of every URL. Anonymous.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        // The path-free form {PublicBaseUrl}/emergency#t={token}: the token stays in the fragment.
        app.MapGet("/emergency", Page).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/shl", ShlViewer).AllowAnonymous().ExcludeFromDescription();
        // Base64url tokens have no dot, so /emergency/emergency.js and the other assets stay with the static files.
        app.MapGet("/emergency/{token:regex(^[A-Za-z0-9_-]+$)}", Page).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task<Ok<EmergencyProfileDto>> GetProfile(Guid userId, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new GetEmergencyProfile(userId), ct));

    private static async Task<Ok<EmergencyProfileDto>> SaveProfile(
        Guid userId, EmergencyProfileInput profile, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(UpsertEmergencyProfile.For(userId, profile), ct));

    private static async Task<FileContentHttpResult> SummaryPdf(Guid userId, IMediator mediator, CancellationToken ct)
    {
        var pdf = await mediator.Send(new DownloadSummaryPdf(userId), ct);
        return TypedResults.File(pdf.Content, "application/pdf", pdf.FileName);
    }

    private static async Task<Created<QrCodeCreated>> Generate(GenerateQrCode request, IMediator mediator, CancellationToken ct)
    {
        // A JSON body is required, as on every JSON endpoint: an empty body or `null` is a 400 (`{}` takes the defaults).
        var created = await mediator.Send(request, ct);
        return TypedResults.Created((string?)null, created);
    }

    private static async Task<Ok<IReadOnlyList<QrCodeSummary>>> List(IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new ListQrCodes(), ct));

    private static async Task<NoContent> Revoke(Guid id, IMediator mediator, CancellationToken ct)
    {
        await mediator.Send(new RevokeQrCode(id), ct);
        return TypedResults.NoContent();
    }

    private static Task<Ok<EmergencyAccess>> Access(string token, HttpContext context, IMediator mediator, CancellationToken ct) =>
        AccessAsync(new AccessEmergencyProfile(token), context, mediator, ct);

    /// <summary>A JSON body is required: an empty body, <c>null</c> or a body without <c>token</c> is a 400.</summary>
    private static Task<Ok<EmergencyAccess>> AccessPathFree(
        AccessEmergencyProfile request, HttpContext context, IMediator mediator, CancellationToken ct) =>
        AccessAsync(request, context, mediator, ct);

    private static async Task<Ok<EmergencyAccess>> AccessAsync(
        AccessEmergencyProfile request, HttpContext context, IMediator mediator, CancellationToken ct)
    {
        // On every answer, the refusals included: a shared cache must not keep a patient's profile or a code's fate.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers.CacheControl = "no-store";
            return Task.CompletedTask;
        });
        return TypedResults.Ok(await mediator.Send(request, ct));
    }

    private static FileStreamHttpResult Page(HttpContext context, IWebHostEnvironment environment) =>
        StrictPage(context, environment, EmergencyPagePath, EmergencyPagePolicy);

    private static FileStreamHttpResult ShlViewer(HttpContext context, IWebHostEnvironment environment) =>
        StrictPage(context, environment, ShlViewerPath, ShlViewerPolicy);

    private static FileStreamHttpResult StrictPage(HttpContext context, IWebHostEnvironment environment, string path, string policy)
    {
        var headers = context.Response.Headers;
        headers.CacheControl = "no-store";
        headers["Referrer-Policy"] = "no-referrer"; // the token or link is in the address
        headers["X-Robots-Tag"] = "noindex, nofollow";
        headers.ContentSecurityPolicy = policy;
        headers.XContentTypeOptions = "nosniff";
        var page = environment.WebRootFileProvider.GetFileInfo(path);
        return TypedResults.Stream(page.CreateReadStream(), "text/html; charset=utf-8");
    }
}
