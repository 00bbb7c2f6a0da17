using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace MediVault.WebApi;

/// <summary>
/// The web app (wwwroot: a single page with hash routing, docs/frontend.md) and the security headers that every
/// response carries, API answers and error pages included.
/// </summary>
internal static class FrontendSetup
{
    /// <summary>
    /// Only our own scripts and styles; images also from data: and blob: URLs (QR codes, the image preview); frames only
    /// from blob: URLs (the PDF preview, a blob the app made from a downloaded PDF); nobody may frame us.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
        "frame-src blob:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    /// <summary>
    /// The API reference at /docs (Scalar) is a page we do not write: it starts itself with an inline script and styles
    /// itself inline. It gets the same policy with inline script and style allowed, and nothing else.
    /// </summary>
    public const string ApiReferencePolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    public const string PermissionsPolicy =
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()";

    public const string StrictTransportSecurity = "max-age=31536000; includeSubDomains";

    private static readonly PathString ApiReferencePath = "/docs";

    private static bool IsApiPath(PathString path) => path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);

    private static bool IsEmergencyPage(PathString path) => path.Value is "/emergency" or "/emergency/" or "/shl" or "/shl/";

    public static WebApplication UseFrontend(this WebApplication app)
    {
        app.Use(static (context, next) =>
        {
            context.Response.OnStarting(static state => AddSecurityHeaders((HttpContext)state), context);
            return next(context);
        });
        // The API has no files: its requests skip both file middlewares, which would otherwise look on disk for a
        // directory or file of that name on every call (a stat per request, in the profile of every API path).
        app.UseWhen(static context => !IsApiPath(context.Request.Path), static branch =>
        {
            // /emergency (the path-free emergency link, /emergency#t=…) and /shl (the SMART Health Link viewer) are pages with
            // their own routes and stricter headers: no redirect to /emergency/ or /shl/ and no default index.html for them.
            branch.UseWhen(static context => !IsEmergencyPage(context.Request.Path), static pages => pages.UseDefaultFiles());
            branch.UseStaticFiles(new StaticFileOptions
            {
                // No fingerprinted file names: the browser revalidates (ETag) so a new deployment is picked up at once.
                OnPrepareResponse = static file => file.Context.Response.Headers.CacheControl = "no-cache",
                ContentTypeProvider = ContentTypes(),
            });
        });
        return app;
    }

    /// <summary>
    /// Adds the headers just before the response starts, so answers written by any middleware get them. A page that
    /// sets its own, stricter Content-Security-Policy (the emergency page) keeps it.
    /// </summary>
    private static Task AddSecurityHeaders(HttpContext context)
    {
        var headers = context.Response.Headers;
        if (!headers.ContainsKey(HeaderNames.ContentSecurityPolicy))
        {
            headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments(ApiReferencePath)
                ? ApiReferencePolicy
                : ContentSecurityPolicy;
        }
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        headers["Permissions-Policy"] = PermissionsPolicy;
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        if (context.Request.IsHttps)
            headers.StrictTransportSecurity = StrictTransportSecurity;
        Infrastructure.NoStoreHeaders.Apply(context);
        return Task.CompletedTask;
    }

    private static FileExtensionContentTypeProvider ContentTypes()
    {
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".js"] = "text/javascript; charset=utf-8";
        types.Mappings[".css"] = "text/css; charset=utf-8";
        types.Mappings[".html"] = "text/html; charset=utf-8";
        types.Mappings[".md"] = "text/markdown; charset=utf-8";
        return types;
    }
}
