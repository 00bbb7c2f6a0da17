using System.Globalization;
using System.Threading.RateLimiting;
using MediVault.Infrastructure.Configuration;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace MediVault.WebApi.Infrastructure;

/// <summary>Per-client-address request limits (MediVault:RateLimits). A limit of 0 switches its policy off.</summary>
internal static class RateLimiting
{
    /// <summary>Anonymous emergency-code look-ups, so tokens cannot be guessed by trying many.</summary>
    public const string QrAccessPolicy = "qr-access";

    public static IServiceCollection AddMediVaultRateLimiting(this IServiceCollection services) =>
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = WriteProblemAsync;
            options.AddPolicy(QrAccessPolicy, context => PerClientAddress(context, limits => limits.QrAccessPerMinute));
        });

    private static RateLimitPartition<string> PerClientAddress(
        HttpContext context, Func<MediVaultOptions.RateLimitOptions, int> permitsPerMinute)
    {
        var limit = permitsPerMinute(context.RequestServices.GetRequiredService<IOptions<MediVaultOptions>>().Value.RateLimits);
        if (limit <= 0)
            return RateLimitPartition.GetNoLimiter("off");
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    /// <summary>429 as a problem document, with Retry-After in whole seconds.</summary>
    private static async ValueTask WriteProblemAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 60;
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"Too many requests from this address. Try again in {seconds} seconds.",
            },
        });
    }
}
