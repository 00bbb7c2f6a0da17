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
        {
            context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
            // Answers the framework writes itself (routing's 415, status-code pages) get the detail the contract asks for.
            context.ProblemDetails.Detail ??= DefaultDetail(context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode);
        });
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

    private static string DefaultDetail(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "Sign in first: send a bearer token or the session cookie.",
        StatusCodes.Status403Forbidden => "You are not allowed to do this.",
        StatusCodes.Status404NotFound => "Nothing is found at this address.",
        StatusCodes.Status405MethodNotAllowed => "This address does not accept this method.",
        StatusCodes.Status415UnsupportedMediaType => "The request body is not of a type this endpoint accepts (JSON, or multipart/form-data for uploads).",
        _ => "The request could not be processed.",
    };

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
