using Mediator;
using MediVault.Application.Audit;
using MediVault.Application.Audit.ExportAccessLog;
using MediVault.Application.Audit.GetDashboardStats;
using MediVault.Application.Audit.ListAccessLog;
using MediVault.Application.Common.Paging;
using MediVault.WebApi.Endpoints.Csv;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MediVault.WebApi.Endpoints;

/// <summary>The audit module: a patient's access log and the dashboard built on it.</summary>
public static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        var dashboard = app.MapGroup("/api/dashboard").RequireAuthorization().WithTags("Dashboard");
        dashboard.MapGet("/stats/{userId:guid}", Stats).WithName("GetDashboardStats")
            .WithSummary("A patient's vault at a glance: files, sizes, active codes, profile completeness, recent activity.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);

        var logs = app.MapGroup("/api/access-logs").RequireAuthorization().WithTags("Access log");
#pragma warning disable RDG002 // built at run time on purpose: RuntimeBound
        logs.MapGet("/{userId:guid}", RuntimeBound.Handler(AccessLog)).WithName("ListAccessLog")
#pragma warning restore RDG002
            .WithSummary("A page of the entries concerning a patient, newest first.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        logs.MapGet("/{userId:guid}/export.csv", ExportCsv).WithName("ExportAccessLog")
            .WithSummary("The entries concerning a patient as a CSV download, newest first, with the same filters as the list.")
            .Produces(StatusCodes.Status200OK, contentType: AccessLogCsv.ContentType)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Ok<DashboardStats>> Stats(Guid userId, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new GetDashboardStats(userId), ct));

    private static async Task<Ok<Paged<AccessLogEntryDto>>> AccessLog(
        Guid userId, IMediator mediator, HttpResponse response, CancellationToken ct, int page = 1, int pageSize = 20,
        string? action = null, string? actorRole = null, string? outcome = null, string? from = null, string? to = null)
    {
        var entries = await mediator.Send(new ListAccessLog(userId, page, pageSize, new AccessLogFilter(action, actorRole, outcome, from, to)), ct);
        response.Headers.CacheControl = "private, no-store";
        return TypedResults.Ok(entries);
    }

    private static async Task<FileContentHttpResult> ExportCsv(
        Guid userId, IMediator mediator, HttpResponse response, TimeProvider clock, CancellationToken ct,
        string? action = null, string? actorRole = null, string? outcome = null, string? from = null, string? to = null)
    {
        var export = await mediator.Send(new ExportAccessLog(userId, new AccessLogFilter(action, actorRole, outcome, from, to)), ct);
        response.Headers.CacheControl = "private, no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        if (export.Truncated)
            response.Headers["MediVault-Export-Truncated"] = "true";
        var day = clock.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.File(AccessLogCsv.Write(export.Entries), AccessLogCsv.ContentType, $"medivault-access-log-{day}.csv");
    }
}
