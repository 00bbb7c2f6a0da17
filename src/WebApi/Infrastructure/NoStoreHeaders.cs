using Microsoft.Net.Http.Headers;

namespace MediVault.WebApi.Infrastructure;

/// <summary>
/// <c>Cache-Control: no-store</c> on every API answer, success or error, and on anything answered to a request that
/// carries credentials (ASVS 14.3.2): health data must not stay in a browser, proxy or CDN cache. The web app's own
/// static files are not API answers and keep their revalidating <c>no-cache</c>.
/// </summary>
internal static class NoStoreHeaders
{
    public const string NoStore = "no-store";

    private static readonly PathString[] ApiRoots = ["/api", "/connect", "/fhir", "/openapi"];

    public static void Apply(HttpContext context)
    {
        if (IsPublicLogAnswer(context))
            return;
        if (IsApiAnswer(context.Request) || CarriesCredentials(context.Request))
            context.Response.Headers.CacheControl = NoStore;
    }

    /// <summary>
    /// A successful answer of an endpoint marked <see cref="PublicLogData"/> (the ledger's checkpoint, key and tiles:
    /// hashes and signatures, no health data) keeps the caching its endpoint chose, so mirrors and witnesses can cache
    /// immutable tiles (C2SP tlog-tiles). Its errors are still no-store.
    /// </summary>
    private static bool IsPublicLogAnswer(HttpContext context) =>
        context.Response.StatusCode < StatusCodes.Status400BadRequest
        && context.GetEndpoint()?.Metadata.GetMetadata<PublicLogData>() is not null;

    private static bool IsApiAnswer(HttpRequest request)
    {
        foreach (var root in ApiRoots)
        {
            if (request.Path.StartsWithSegments(root, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    private static bool CarriesCredentials(HttpRequest request) =>
        request.Headers.ContainsKey(HeaderNames.Authorization);
}

/// <summary>Endpoint metadata: the answer is public transparency-log data (no health data) whose caching the endpoint sets.</summary>
internal sealed class PublicLogData;
