using Hl7.Fhir.Model;
using Mediator;
using MediVault.Application.Common.Access;
using MediVault.Application.Fhir;
using MediVault.Application.Fhir.GetPatientSummary;
using MediVault.Application.Fhir.ReadBinary;
using MediVault.Application.Fhir.ReadResource;
using MediVault.Application.Fhir.SearchResources;
using Microsoft.Net.Http.Headers;
using Task = System.Threading.Tasks.Task;

namespace MediVault.WebApi.Endpoints;

/// <summary>
/// The FHIR R4 API (read-only) and SMART App Launch discovery. Answers are <c>application/fhir+json</c>; every
/// failure under /fhir is an OperationOutcome. Reference: docs/fhir.md; contract: docs/api.md "FHIR R4 (issue 12)".
/// </summary>
public static partial class FhirEndpoints
{
    public const string BasePath = "/fhir/r4";

    private static readonly string[] Capabilities =
    [
        "launch-standalone", "client-public", "client-confidential-symmetric", "context-standalone-patient",
        "permission-v2", "permission-patient", "permission-user", "sso-openid-connect",
    ];

    private static readonly string[] AuthMethods = ["client_secret_basic", "client_secret_post"];
    private static readonly string[] GrantTypes = ["authorization_code", "client_credentials", "refresh_token"];
    private static readonly string[] ResponseTypes = ["code"];
    private static readonly string[] ChallengeMethods = ["S256"];

    public static IEndpointRouteBuilder MapFhirEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/.well-known/smart-configuration", SmartConfiguration).WithTags("FHIR")
            .WithSummary("SMART App Launch 2 configuration: endpoints, capabilities, scopes.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json");

        var fhir = app.MapGroup("/fhir").WithTags("FHIR").AddEndpointFilter(FhirFilter);
        fhir.MapGet("/r4/metadata", Metadata).WithSummary("The CapabilityStatement, with the SMART security extension.")
            .Produces(StatusCodes.Status200OK, contentType: FhirJson.ContentType);
        fhir.MapGet("/r4/Patient/{id}/$summary", Summary).WithFhirErrors().WithSummary("The patient's International Patient Summary (a document Bundle).")
            .Produces(StatusCodes.Status200OK, contentType: FhirJson.ContentType);
        fhir.MapGet("/r4/Binary/{id}", Binary).WithFhirErrors().WithSummary("A file's decrypted content, streamed in its own media type.")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream");
        fhir.MapGet("/r4/{type}/{id}", Read).WithFhirErrors().WithSummary("Reads one resource.")
            .Produces(StatusCodes.Status200OK, contentType: FhirJson.ContentType);
        fhir.MapGet("/r4/{type}", Search).WithFhirErrors().Produces(StatusCodes.Status400BadRequest, contentType: FhirJson.ContentType).WithSummary("Searches one patient's resources of a type; pages with _count and _page.")
            .Produces(StatusCodes.Status200OK, contentType: FhirJson.ContentType);
        fhir.MapMethods("/{**rest}", [HttpMethods.Get, HttpMethods.Head, HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete], Unknown)
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>The OperationOutcome answers every protected FHIR route may give.</summary>
    private static RouteHandlerBuilder WithFhirErrors(this RouteHandlerBuilder route)
    {
        foreach (var status in (int[])[StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status406NotAcceptable])
            route.Produces(status, contentType: FhirJson.ContentType);
        return route;
    }

    private static IResult SmartConfiguration(HttpContext context)
    {
        var origin = Origin(context);
        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = origin + "/",
            ["jwks_uri"] = origin + "/.well-known/jwks",
            ["authorization_endpoint"] = origin + "/connect/authorize",
            ["token_endpoint"] = origin + "/connect/token",
            ["revocation_endpoint"] = origin + "/connect/revoke",
            ["userinfo_endpoint"] = origin + "/connect/userinfo",
            ["token_endpoint_auth_methods_supported"] = AuthMethods,
            ["grant_types_supported"] = GrantTypes,
            ["response_types_supported"] = ResponseTypes,
            ["scopes_supported"] = (string[])["openid", "offline_access", .. SmartScopes.Supported],
            ["capabilities"] = Capabilities,
            ["code_challenge_methods_supported"] = ChallengeMethods,
        });
    }

    private static IResult Metadata(HttpContext context, TimeProvider clock)
    {
        var origin = Origin(context);
        var oauth = new OAuthEndpoints(origin + "/connect/authorize", origin + "/connect/token", origin + "/connect/revoke");
        return FhirJson.Resource(FhirCapabilities.Build(origin + BasePath, oauth, clock.GetUtcNow().UtcDateTime));
    }

    private static async Task<IResult> Summary(string id, IMediator mediator, CancellationToken cancellationToken) =>
        Guid.TryParseExact(id, "D", out var patientId)
            ? FhirJson.Resource(await mediator.Send(new GetPatientSummary(patientId), cancellationToken))
            : FhirJson.Outcome(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotFound, "The resource was not found.");

    private static async Task<IResult> Binary(string id, IMediator mediator, CancellationToken cancellationToken)
    {
        var content = await mediator.Send(new ReadBinary(id), cancellationToken);
        var contentType = content.ContentType == "text/plain" ? "text/plain; charset=utf-8" : content.ContentType;
        return new NoStore(Results.Stream(content.Content, contentType, enableRangeProcessing: true));
    }

    private static async Task<IResult> Read(string type, string id, IMediator mediator, CancellationToken cancellationToken) =>
        SmartScopes.ResourceTypes.Contains(type)
            ? FhirJson.Resource(await mediator.Send(new ReadResource(type, id), cancellationToken))
            : NotServed(type);

    private static async Task<IResult> Search(string type, HttpContext context, IMediator mediator, CancellationToken cancellationToken)
    {
        if (!SmartScopes.ResourceTypes.Contains(type))
            return NotServed(type);
        var parameters = context.Request.Query
            .Where(p => p.Key != "_format")
            .SelectMany(p => p.Value.Select(value => new KeyValuePair<string, string>(p.Key, value ?? "")));
        var search = FhirSearch.Parse(type, parameters);
        return FhirJson.Resource(await mediator.Send(new SearchResources(search, Origin(context) + BasePath), cancellationToken));
    }

    private static IResult Unknown(HttpContext context) =>
        HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
            ? FhirJson.Outcome(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotFound,
                $"There is nothing at {context.Request.Path}. The FHIR R4 API is at {BasePath}; see {BasePath}/metadata.")
            : FhirJson.Outcome(StatusCodes.Status405MethodNotAllowed, OperationOutcome.IssueType.NotSupported,
                "MediVault's FHIR API is read-only: only GET is supported.");

    private static IResult NotServed(string type) =>
        FhirJson.Outcome(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotSupported,
            $"MediVault does not serve {type} resources. Served: {string.Join(", ", SmartScopes.ResourceTypes)}.");

    /// <summary>
    /// Every answer under /fhir: a JSON format the caller accepts (else 406), no caching, and an OperationOutcome for
    /// every failure, including the unexpected ones (500, with no detail).
    /// </summary>
    private static async ValueTask<object?> FhirFilter(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        context.Response.Headers.CacheControl = "no-store";
        if (!context.Request.Path.StartsWithSegments(BasePath + "/Binary") && !AcceptsFhirJson(context.Request))
        {
            return FhirJson.Outcome(StatusCodes.Status406NotAcceptable, OperationOutcome.IssueType.NotSupported,
                "MediVault answers FHIR in JSON only: accept application/fhir+json (or application/json).");
        }
        try
        {
            return await next(invocation);
        }
        catch (Exception exception) when (!context.RequestAborted.IsCancellationRequested)
        {
            if (FhirJson.OutcomeFor(exception) is { } outcome)
                return outcome;
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(FhirEndpoints));
            LogUnhandled(logger, exception.GetType().Name, context.TraceIdentifier, exception);
            return FhirJson.Outcome(StatusCodes.Status500InternalServerError, OperationOutcome.IssueType.Exception,
                $"Something went wrong on our side. Quote the trace id {context.TraceIdentifier} when reporting it.");
        }
    }

    private static bool AcceptsFhirJson(HttpRequest request)
    {
        if (request.Query.TryGetValue("_format", out var format))
            return format.All(f => f is "json" or "application/json" or FhirJson.ContentType);
        var accept = request.GetTypedHeaders().Accept;
        return accept.Count == 0 || accept.Any(type =>
            type.MatchesAllTypes || type.MatchesAllSubTypes && type.Type == "application"
            || type.MediaType == FhirJson.ContentType || type.MediaType == "application/json" || type.MediaType == "application/json+fhir");
    }

    private static string Origin(HttpContext context) => $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}";

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled {ExceptionType} in FHIR request {TraceId}")]
    private static partial void LogUnhandled(ILogger logger, string exceptionType, string traceId, Exception exception);

    private sealed class NoStore(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.CacheControl = "no-store";
            return inner.ExecuteAsync(httpContext);
        }
    }
}
