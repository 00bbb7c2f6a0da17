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
        if (IsApiAnswer(context.Request) || CarriesCredentials(context.Request))
            context.Response.Headers.CacheControl = NoStore;
    }

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
