using System.Reflection;
using MediVault.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MediVault.WebApi.Endpoints;

internal static class HealthEndpoints
{
    private static readonly string Version =
        typeof(HealthEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health", Check).AllowAnonymous().WithTags("Health")
            .WithName("GetHealth").WithSummary("Database and storage health; 503 when one fails.")
            .Produces<HealthReport>().Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    /// <summary>The health of the app and each dependency: <c>healthy</c> or <c>unhealthy</c>.</summary>
    public sealed record HealthReport(string Status, IReadOnlyDictionary<string, string> Checks, string Version);

    private static async Task<JsonHttpResult<HealthReport>> Check(HealthProbe probe, HttpContext context, CancellationToken ct)
    {
        var database = await probe.DatabaseIsHealthyAsync(ct);
        var storage = await probe.StorageIsHealthyAsync(ct);
        var healthy = database && storage;
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Json(
            new HealthReport(Word(healthy), new Dictionary<string, string> { ["database"] = Word(database), ["storage"] = Word(storage) }, Version),
            statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    private static string Word(bool healthy) => healthy ? "healthy" : "unhealthy";
}
