using System.Text.Json;
using System.Text.Json.Serialization;
using MediVault.WebApi.Endpoints;
using MediVault.WebApi.Infrastructure;

namespace MediVault.WebApi;

/// <summary>How the HTTP side is put together: JSON, errors, and the module endpoints.</summary>
internal static class WebApiSetup
{
    public static IServiceCollection AddWebApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        });
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddHttpContextAccessor();
        services.AddScoped<MediVault.Application.Common.Abstractions.ICurrentUser, HttpCurrentUser>();
        return services;
    }

    public static WebApplication UseWebApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    public static WebApplication MapWebApiEndpoints(this WebApplication app)
    {
        app.MapRecordsEndpoints();
        app.MapLedgerEndpoints();
        return app;
    }
}
