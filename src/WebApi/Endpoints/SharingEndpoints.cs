using Mediator;
using MediVault.Application.Common.Paging;
using MediVault.Application.Sharing;
using MediVault.Application.Sharing.GrantAccess;
using MediVault.Application.Sharing.ListGrants;
using MediVault.Application.Sharing.ListMyPatients;
using MediVault.Application.Sharing.RevokeGrant;
using MediVault.WebApi.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MediVault.WebApi.Endpoints;

/// <summary>Sharing with doctors: explicit, revocable grants.</summary>
internal static class SharingEndpoints
{
    public static IEndpointRouteBuilder MapSharingEndpoints(this IEndpointRouteBuilder app)
    {
        var grants = app.MapGroup("/api/access-grants").RequireAuthorization().WithTags("Sharing")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        grants.MapPost("/", Grant).WithName("GrantAccess")
            .WithSummary("A patient grants a doctor access (201), or moves the end date of the active grant to that doctor (200).")
            .Produces<GrantDto>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden);
#pragma warning disable RDG002 // built at run time on purpose: RuntimeBound
        grants.MapGet("/", RuntimeBound.Handler(List)).WithName("ListGrants")
#pragma warning restore RDG002
            .WithSummary("The patient's grants, or the grants the doctor has received; newest first.")
            .ProducesValidationProblem();
        grants.MapDelete("/{id:guid}", Revoke).WithName("RevokeGrant")
            .WithSummary("A patient revokes a grant; access ends at once.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);

        app.MapGet("/api/doctor/patients", MyPatients).RequireAuthorization().WithTags("Sharing")
            .WithName("ListMyPatients").WithSummary("The patients who granted the signed-in doctor access.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    /// <summary>Body of <c>POST /api/access-grants</c>.</summary>
    public sealed record GrantRequest(string? DoctorEmail, DateTime? ExpiresAt);

    private static async Task<Results<Created<GrantDto>, Ok<GrantDto>>> Grant(GrantRequest request, IMediator mediator, CancellationToken ct)
    {
        var result = await mediator.Send(new GrantAccess(request.DoctorEmail, request.ExpiresAt), ct);
        return result.Created
            ? TypedResults.Created($"/api/access-grants/{result.Grant.Id}", result.Grant)
            : TypedResults.Ok(result.Grant);
    }

    private static async Task<Ok<Paged<GrantDto>>> List(IMediator mediator, CancellationToken ct, int page = 1, int pageSize = 20) =>
        TypedResults.Ok(await mediator.Send(new ListGrants(page, pageSize), ct));

    private static async Task<NoContent> Revoke(Guid id, IMediator mediator, CancellationToken ct)
    {
        await mediator.Send(new RevokeGrant(id), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<IReadOnlyList<DoctorPatient>>> MyPatients(IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new ListMyPatients(), ct));
}
