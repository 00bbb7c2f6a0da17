using Mediator;
using MediVault.Application.Audit;
using MediVault.Application.Audit.GetDashboardStats;
using MediVault.Application.Audit.ListAccessLog;
using MediVault.Application.Common.Paging;
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
        logs.MapGet("/{userId:guid}", AccessLog).WithName("ListAccessLog")
            .WithSummary("A page of the entries concerning a patient, newest first.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Ok<DashboardStats>> Stats(Guid userId, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new GetDashboardStats(userId), ct));

    private static async Task<Ok<Paged<AccessLogEntryDto>>> AccessLog(
        Guid userId, IMediator mediator, CancellationToken ct, int page = 1, int pageSize = 20) =>
        TypedResults.Ok(await mediator.Send(new ListAccessLog(userId, page, pageSize), ct));
}
