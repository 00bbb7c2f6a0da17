using Mediator;
using MediVault.Application.Identity.ConnectedApps;
using MediVault.Application.Identity.ConnectedApps.ListConnectedApps;
using MediVault.Application.Identity.ConnectedApps.RevokeConnectedApp;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MediVault.WebApi.Auth;

/// <summary><c>/api/auth/connected-apps</c>: the apps the signed-in person let act for them, and revoking one.</summary>
internal static class ConnectedAppsEndpoints
{
    public static IEndpointRouteBuilder MapConnectedAppsEndpoints(this IEndpointRouteBuilder app)
    {
        var apps = app.MapGroup("/api/auth/connected-apps").RequireAuthorization().WithTags("Authentication")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        apps.MapGet("/", List).WithName("ListConnectedApps")
            .WithSummary("The apps the signed-in person allowed to act for them: client, scopes, date granted and last use.");
        apps.MapDelete("/{id}", Revoke).WithName("RevokeConnectedApp")
            .WithSummary("Ends a connected app's access at once: its consent and every token issued under it.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Ok<IReadOnlyList<ConnectedAppDto>>> List(HttpContext context, IMediator mediator, CancellationToken ct)
    {
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(await mediator.Send(new ListConnectedApps(), ct));
    }

    private static async Task<NoContent> Revoke(string id, IMediator mediator, CancellationToken ct)
    {
        await mediator.Send(new RevokeConnectedApp(id), ct);
        return TypedResults.NoContent();
    }
}
