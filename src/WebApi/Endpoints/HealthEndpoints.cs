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

    /// <summary>The probes' latest result, at most <see cref="HealthMonitor.MaxAge"/> old (decisions #22).</summary>
    private static async Task<JsonHttpResult<HealthReport>> Check(HealthMonitor monitor, HttpContext context)
    {
        var health = await monitor.CheckAsync();
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Json(
            new HealthReport(Word(health.Healthy), new Dictionary<string, string> { ["database"] = Word(health.Database), ["storage"] = Word(health.Storage) }, Version),
            statusCode: health.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    private static string Word(bool healthy) => healthy ? "healthy" : "unhealthy";
}
