using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.DataRights.DeleteAccount;
using MediVault.Application.DataRights.ExportVault;
using MediVault.Application.DataRights.Reauthenticate;
using MediVault.WebApi.Auth;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace MediVault.WebApi.Endpoints;

/// <summary>The patient's data rights: take everything out (<c>GET /api/export</c>) and delete the account for good.</summary>
public static class DataRightsEndpoints
{
    /// <summary>The header an API client sends the proof of <c>POST /api/auth/reauthenticate</c> in.</summary>
    public const string ProofHeader = "X-Reauthentication";

    /// <summary>The cookie that carries the same proof for a browser, which downloads by following a link.</summary>
    public const string ProofCookie = "mv_reauth";

    public static IEndpointRouteBuilder MapDataRightsEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").RequireAuthorization().WithTags("Authentication");
        auth.MapPost("/reauthenticate", Reauthenticate).RequireRateLimiting(AuthSetup.AuthRateLimit)
            .WithName("Reauthenticate")
            .WithSummary("Checks the password again; the proof it returns (and sets as a cookie) allows an export for 5 minutes.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status429TooManyRequests);
        auth.MapDelete("/me", DeleteAccount).RequireRateLimiting(AuthSetup.AuthRateLimit)
            .WithName("DeleteAccount")
            .WithSummary("Deletes the account for good after a password check: files crypto-erased, everything else removed; ledger hashes stay.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status429TooManyRequests);

        app.MapGet("/api/export", Export).RequireAuthorization().WithTags("Data rights")
            .WithName("ExportVault")
            .WithSummary("The whole vault as a ZIP (files, emergency profile, access log, ledger entries, README), streamed.")
            .Produces(StatusCodes.Status200OK, contentType: "application/zip")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    /// <summary>Body of <c>POST /api/auth/reauthenticate</c> and <c>DELETE /api/auth/me</c>.</summary>
    public sealed record PasswordRequest(string? Password);

    private static async Task<Ok<ReauthenticationProof>> Reauthenticate(
        PasswordRequest request, HttpContext context, IMediator mediator, IRecentAuthentication recent, CancellationToken ct)
    {
        var proof = await mediator.Send(new Reauthenticate(request.Password), ct);
        context.Response.Cookies.Append(ProofCookie, proof.Proof, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/api/export",
            MaxAge = recent.Lifetime,
        });
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(proof);
    }

    private static async Task<NoContent> DeleteAccount([FromBody] PasswordRequest request, HttpContext context, IMediator mediator, CancellationToken ct)
    {
        await mediator.Send(new DeleteAccount(request.Password), ct);
        await SessionCookie.SignOutAsync(context);
        context.Response.Cookies.Delete(ProofCookie, new CookieOptions { Path = "/api/export" });
        return TypedResults.NoContent();
    }

    private static async Task<IResult> Export(HttpContext context, IMediator mediator, CancellationToken ct)
    {
        var proof = context.Request.Headers[ProofHeader].FirstOrDefault() ?? context.Request.Cookies[ProofCookie];
        var export = await mediator.Send(new ExportVault(proof), ct);
        return new ZipDownload(export);
    }

    /// <summary>Streams the archive: no length is known ahead, so the answer is chunked; nothing is buffered.</summary>
    private sealed class ZipDownload(VaultExport export) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/zip";
            response.Headers.CacheControl = "no-store";
            response.Headers.ContentDisposition = new System.Net.Mime.ContentDisposition { FileName = export.FileName }.ToString();
            httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            await export.WriteToAsync(response.Body, httpContext.RequestAborted);
        }
    }
}
