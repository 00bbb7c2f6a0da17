using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using MediVault.Infrastructure.Configuration;
using MediVault.Infrastructure.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenIddict.Validation.AspNetCore;

namespace MediVault.WebApi.Auth;

/// <summary>Authentication (bearer or session cookie), CSRF protection, CORS and the per-address rate limits.</summary>
internal static class AuthSetup
{
    public const string SmartScheme = "BearerOrCookie";
    public const string AuthRateLimit = "auth";
    public const string QrAccessRateLimit = "qr-access";
    public const string ShlRateLimit = "shl";
    /// <summary>SMART Health Link manifests and files: any origin may read them (viewers elsewhere), never with credentials.</summary>
    public const string ShlCorsPolicy = "shl-public";
    public const string DoctorPolicy = "doctor";
    public const string PatientPolicy = "patient";

    public static IServiceCollection AddMediVaultAuth(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(MediVaultOptions.Section).Get<MediVaultOptions>() ?? new MediVaultOptions();

        var authentication = services.AddAuthentication(SmartScheme)
            .AddPolicyScheme(SmartScheme, "Bearer token or session cookie", policy =>
                policy.ForwardDefaultSelector = context =>
                    context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                        ? CachedBearerHandler.SchemeName
                        : SessionCookie.Scheme)
            .AddScheme<AuthenticationSchemeOptions, CachedBearerHandler>(CachedBearerHandler.SchemeName, bearer =>
            {
                bearer.ForwardChallenge = OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme;
                bearer.ForwardForbid = OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme;
            })
            .AddCookie(SessionCookie.Scheme, cookie =>
            {
                cookie.Cookie.Name = SessionCookie.CookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
                cookie.SlidingExpiration = true;
                cookie.Events = new CookieAuthenticationEvents
                {
                    OnValidatePrincipal = ValidateSessionAsync,
                    OnRedirectToLogin = RedirectToLoginOrAnswer401,
                    OnRedirectToAccessDenied = context =>
                    {
                        context.Response.StatusCode = StatusCodes.Status403Forbidden;
                        return Task.CompletedTask;
                    },
                };
            });
        services.AddGoogleSignIn(authentication, configuration);
        services.AddScoped<AuthenticationHandlerProvider>();
        services.Replace(ServiceDescriptor.Scoped<IAuthenticationHandlerProvider, ServerEndpointsOnly>());

        services.AddAuthorizationBuilder()
            .SetDefaultPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder(SmartScheme).RequireAuthenticatedUser().Build())
            .AddPolicy(DoctorPolicy, p => p.AddAuthenticationSchemes(SmartScheme).RequireClaim(MediVaultClaims.AccountType, nameof(Domain.Identity.AccountType.Doctor)))
            .AddPolicy(PatientPolicy, p => p.AddAuthenticationSchemes(SmartScheme).RequireClaim(MediVaultClaims.AccountType, nameof(Domain.Identity.AccountType.Patient)));

        services.AddCors(cors =>
        {
            cors.AddDefaultPolicy(policy =>
            {
                // Integrating portals call with bearer tokens: no credentials (cookies) cross origins, ever.
                policy.WithOrigins([.. options.Cors.AllowedOrigins]).AllowAnyHeader().AllowAnyMethod()
                    .WithExposedHeaders("Content-Disposition", "Repr-Digest", "Retry-After");
            });
            cors.AddPolicy(ShlCorsPolicy, policy => policy.AllowAnyOrigin().WithMethods("GET", "POST").WithHeaders("Content-Type")
                .WithExposedHeaders("Retry-After").SetPreflightMaxAge(TimeSpan.FromHours(1)));
        });

        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(AuthRateLimit, context => PerAddress(context, options.RateLimits.AuthPerMinute));
            limiter.AddPolicy(QrAccessRateLimit, context => PerAddress(context, options.RateLimits.QrAccessPerMinute));
            limiter.AddPolicy(ShlRateLimit, context => PerAddress(context, options.RateLimits.ShlPerMinute));
            limiter.OnRejected = WriteTooManyRequestsAsync;
        });

        services.AddMemoryCache();
        services.AddSingleton<UnknownAccountLockout>();
        return services;
    }

    public static WebApplication UseMediVaultAuth(this WebApplication app)
    {
        app.UseCors();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseMiddleware<AntiforgeryMiddleware>();
        app.UseAuthorization();
        return app;
    }

    private static RateLimitPartition<string> PerAddress(HttpContext context, int perMinute)
    {
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return perMinute <= 0
            ? RateLimitPartition.GetNoLimiter(address)
            : RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = perMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });
    }

    private static async ValueTask WriteTooManyRequestsAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalSeconds) : 60;
        context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, retryAfter).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context.HttpContext,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"Too many requests from this address. Try again in {Math.Max(1, retryAfter)} seconds.",
            },
        });
    }

    /// <summary>A cookie is only as good as its session: logout or a password change ends it at once.</summary>
    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var sessionId = context.Principal?.FindFirst(SessionCookie.SessionClaim)?.Value;
        var revoker = context.HttpContext.RequestServices.GetRequiredService<SessionRevoker>();
        if (sessionId is null || !await revoker.IsActiveAsync(sessionId, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await SessionCookie.SignOutAsync(context.HttpContext);
        }
    }

    /// <summary>API callers get a 401 problem; a browser sent to the OAuth authorize endpoint is taken to sign-in.</summary>
    private static Task RedirectToLoginOrAnswer401(RedirectContext<CookieAuthenticationOptions> context)
    {
        if (context.Request.Path.StartsWithSegments("/connect/authorize"))
        {
            var returnUrl = context.Request.PathBase + context.Request.Path + context.Request.QueryString;
            context.Response.Redirect(SignInPage.For(context.HttpContext, returnUrl));
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        }
        return Task.CompletedTask;
    }

    /// <summary>Constant-time comparison of two secrets given as strings.</summary>
    public static bool SecretsEqual(string? a, string? b) =>
        a is not null && b is not null
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));
}
