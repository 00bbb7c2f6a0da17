using MediVault.Application.Audit;
using MediVault.Application.Audit.ListAccessLog;
using MediVault.Application.Common.Paging;
using MediVault.Application.Dashboard.GetDashboardStats;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MediVault.WebApi.Endpoints;

/// <summary>A patient's dashboard numbers and access log.</summary>
public static class DashboardEndpoints
{
    public static IEndpointRouteBuilder MapDashboardEndpoints(this IEndpointRouteBuilder app)
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
