using System.Diagnostics;
using System.Text.RegularExpressions;

namespace MediVault.WebApi.Infrastructure;

/// <summary>
/// The request's log scope — <c>RequestPath</c> and <c>RequestId</c> on every line logged while it runs — with emergency
/// tokens cut out of the path. It stands in for ASP.NET Core's own hosting scope, which is switched off
/// (<see cref="HostingScopeCategory"/> at <c>None</c>) because it would copy <c>/api/qr/access/{token}</c> into every
/// line of the request, an unhandled-exception report of a live code included. ASP.NET Core starts a request's
/// <see cref="Activity"/> (the trace context behind the TraceId and SpanId of every line) only while that logger is on
/// or something listens to its activity source, so <see cref="KeepRequestActivities"/> listens.
/// </summary>
internal sealed partial class RequestLogScope(RequestDelegate next, ILogger<RequestLogScope> logger)
{
    /// <summary>The category whose logger opens ASP.NET Core's request scope when enabled at any level.</summary>
    public const string HostingScopeCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    private static readonly Func<ILogger, string, string, IDisposable?> Scope =
        LoggerMessage.DefineScope<string, string>("RequestPath:{RequestPath} RequestId:{RequestId}");

    private static readonly ActivityListener RequestActivities = new()
    {
        ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
        // Create the activity (trace context, W3C traceparent propagation) without recording anything.
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
    };

    private static readonly Lazy<bool> Listening = new(() =>
    {
        ActivitySource.AddActivityListener(RequestActivities);
        return true;
    });

    /// <summary>Keeps ASP.NET Core creating each request's Activity once its hosting logger is off. Once per process.</summary>
    public static void KeepRequestActivities() => _ = Listening.Value;

    public async Task InvokeAsync(HttpContext context)
    {
        using (Scope(logger, Redact(context.Request.Path), context.TraceIdentifier))
            await next(context);
    }

    /// <summary><c>/emergency/abc…</c> → <c>/emergency/{token}</c>, and so for SMART Health Link manifest ids and file tokens; other paths unchanged.</summary>
    internal static string Redact(PathString path) => TokenInPath().Replace(path.Value ?? "", "$1{token}");

    [GeneratedRegex("^(/emergency/|/api/qr/access/|/api/shl/m/|/api/shl/f/)[^/]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TokenInPath();
}
