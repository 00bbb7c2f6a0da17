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
        services.AddProblemDetails(options => options.CustomizeProblemDetails = ProblemDefaults.Customize);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddHttpContextAccessor();
        services.AddScoped<MediVault.Application.Common.Abstractions.ICurrentUser, HttpCurrentUser>();
        services.AddScoped<MediVault.Application.Common.Access.ISmartCaller, HttpSmartCaller>();
        services.AddMediVaultAuth(configuration);
        services.AddOpenApi(options => options.AddDocumentTransformer<BearerSecuritySchemeTransformer>());
        services.AddScoped<MediVault.Application.Emergency.IEmergencyLinks, HttpEmergencyLinks>();
        services.AddScoped<MediVault.Application.Common.Abstractions.ISmartHealthLinkAddresses, HttpSmartHealthLinkAddresses>();
        services.AddScoped<MediVault.Application.Identity.IAccountLinks, HttpEmergencyLinks>();
        // The last start-up step (Infrastructure's, the sample accounts among them, are registered earlier by
        // AddInfrastructure): the sample patient's records, under the start-up lock like every step.
        services.AddScoped<MediVault.Infrastructure.Persistence.IStartupStep, SampleRecordsSeeder>();
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
        app.UseMiddleware<ClientTokenGate>();
        app.UseMiddleware<TwoFactorSetupGate>();
        return app;
    }

    public static WebApplication MapWebApiEndpoints(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        // The reference only: no vendor "Ask AI" chat (Agent Scalar), no "Deploy"/"Generate SDK" developer toolbar.
        app.MapScalarApiReference("/docs", options => options.WithTitle("MediVault API").WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .DisableDefaultFonts().DisableAgent().HideDeveloperTools());
        app.MapHealthEndpoints();
        app.MapConnectEndpoints();
        app.MapAuthEndpoints(app.Configuration);
        app.MapPasskeyEndpoints();
        app.MapConnectedAppsEndpoints();
        app.MapSharingEndpoints();
        app.MapEmergencyEndpoints();
        app.MapSmartHealthLinkEndpoints();
        app.MapAuditEndpoints();
        app.MapRecordsEndpoints();
        app.MapLedgerEndpoints();
        app.MapFhirEndpoints();
        app.MapDataRightsEndpoints();
        return app;
    }
}
