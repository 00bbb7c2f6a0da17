using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using MediVault.Application.Common.Exceptions;
using MediVault.Domain.Common;
using Task = System.Threading.Tasks.Task;

namespace MediVault.WebApi.Endpoints;

/// <summary>Writes FHIR resources as <c>application/fhir+json</c>, never cached; and every failure under /fhir as an OperationOutcome.</summary>
internal static class FhirJson
{
    public const string ContentType = "application/fhir+json";
    private static readonly JsonSerializerOptions Options = new JsonSerializerOptions().ForFhir();

    public static IResult Resource(Resource resource, int status = StatusCodes.Status200OK) => new ResourceResult(resource, status);

    /// <summary>An OperationOutcome with one error issue.</summary>
    public static IResult Outcome(int status, OperationOutcome.IssueType type, string diagnostics) =>
        new ResourceResult(Application.Fhir.FhirOutcomes.Error(type, diagnostics), status);

    /// <summary>The OperationOutcome for a failure; null when the failure is not ours to describe (an unknown exception: 500).</summary>
    public static IResult? OutcomeFor(Exception exception) => exception switch
    {
        ValidationFailedException e => Outcome(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Invalid,
            string.Join(" ", e.Errors.SelectMany(p => p.Value.Select(message => $"{p.Key}: {message}")))),
        BadRequestException or DomainRuleException => Outcome(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Invalid, exception.Message),
        BadHttpRequestException => Outcome(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Invalid, "The request could not be read."),
        UnauthorizedException => new Unauthorized(Outcome(StatusCodes.Status401Unauthorized, OperationOutcome.IssueType.Login, exception.Message)),
        ForbiddenException => Outcome(StatusCodes.Status403Forbidden, OperationOutcome.IssueType.Forbidden, exception.Message),
        NotFoundException => Outcome(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotFound, exception.Message),
        _ => null,
    };

    private sealed class ResourceResult(Resource resource, int status) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = ContentType + "; charset=utf-8";
            httpContext.Response.Headers.CacheControl = "no-store";
            await JsonSerializer.SerializeAsync(httpContext.Response.Body, resource, resource.GetType(), Options, httpContext.RequestAborted);
        }
    }

    /// <summary>A 401 names the way in: a bearer token (RFC 6750).</summary>
    private sealed class Unauthorized(IResult outcome) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return outcome.ExecuteAsync(httpContext);
        }
    }
}
