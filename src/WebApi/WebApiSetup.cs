using System.Text.Json;
using System.Text.Json.Serialization;
using MediVault.WebApi.Auth;
using MediVault.WebApi.Endpoints;
using MediVault.WebApi.Infrastructure;
using Microsoft.AspNetCore.Http.Json;
using Scalar.AspNetCore;

namespace MediVault.WebApi;

/// <summary>How the HTTP side is put together: JSON, errors, authentication, API description and the module endpoints.</summary>
internal static class WebApiSetup
{
    public static IServiceCollection AddWebApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.ConfigureHttpJsonOptions(options => ConfigureJson(options.SerializerOptions));
        // Binding failures (malformed JSON, a wrong type, an unknown enum value) reach ProblemExceptionHandler,
        // which answers 400 naming the field.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddHttpContextAccessor();
        services.AddScoped<MediVault.Application.Common.Abstractions.ICurrentUser, HttpCurrentUser>();
        services.AddMediVaultAuth(configuration);
        services.AddOpenApi(options => options.AddDocumentTransformer<BearerSecuritySchemeTransformer>());
        services.AddScoped<MediVault.Application.Emergency.IEmergencyLinks, HttpEmergencyLinks>();
        services.Configure<LoggerFilterOptions>(options => options.AddFilter(RequestLogScope.HostingScopeCategory, LogLevel.None));
        RequestLogScope.KeepRequestActivities();
        return services;
    }

    public static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
    }

    public static WebApplication UseWebApi(this WebApplication app)
    {
        app.UseMiddleware<RequestLogScope>();
        app.UseFrontend();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // Before routing: /api/auth/login and /refresh are rewritten into token requests.
        app.UseMiddleware<AuthApiAdapter>();
        app.UseRouting();
        app.UseMediVaultAuth();
        return app;
    }

    public static WebApplication MapWebApiEndpoints(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/docs", options => options.WithTitle("MediVault API").WithOpenApiRoutePattern("/openapi/{documentName}.json").DisableDefaultFonts());
        app.MapHealthEndpoints();
        app.MapConnectEndpoints();
        app.MapAuthEndpoints(app.Configuration);
        app.MapSharingEndpoints();
        app.MapEmergencyEndpoints();
        app.MapAuditEndpoints();
        app.MapRecordsEndpoints();
        app.MapLedgerEndpoints();
        app.MapDataRightsEndpoints();
        return app;
    }
}
