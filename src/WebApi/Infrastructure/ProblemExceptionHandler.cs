using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Exceptions;
using MediVault.Domain.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace MediVault.WebApi.Infrastructure;

/// <summary>The one path from an exception to an RFC 9457 problem document. Unknown failures are a bare 500.</summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger)
    : IExceptionHandler
{
    /// <summary>The problem type of a download whose stored content failed authentication (docs/api.md).</summary>
    public const string IntegrityFailureType = "urn:medivault:problem:integrity-failure";


    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            ValidationFailedException e => new HttpValidationProblemDetails(e.Errors.ToDictionary(p => p.Key, p => p.Value))
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "One or more fields are invalid.",
                Detail = "See errors for the fields to correct.",
            },
            BadRequestException e => Problem(StatusCodes.Status400BadRequest, "Bad request", e.Message),
            DomainRuleException e => Problem(StatusCodes.Status400BadRequest, "Bad request", e.Message),
            BadHttpRequestException e => BindingProblem(e),
            UnauthorizedException e => Problem(StatusCodes.Status401Unauthorized, "Unauthorized", e.Message),
            PasscodeRejectedException e => new ProblemDetails
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Wrong passcode",
                Detail = e.Message,
                Extensions = { ["remainingAttempts"] = e.RemainingAttempts },
            },
            ForbiddenException e => Problem(StatusCodes.Status403Forbidden, "Forbidden", e.Message),
            NotFoundException e => Problem(StatusCodes.Status404NotFound, "Not found", e.Message),
            ConflictException e => Problem(StatusCodes.Status409Conflict, "Conflict", e.Message),
            GoneException e => Problem(StatusCodes.Status410Gone, "Gone", e.Message),
            PayloadTooLargeException e => Problem(StatusCodes.Status413PayloadTooLarge, "Payload too large", e.Message),
            UnsupportedMediaTypeException e => Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", e.Message),
            UnprocessableContentException e => Problem(StatusCodes.Status422UnprocessableEntity, "Unprocessable content", e.Message),
            // Two requests raced to create the same row (e.g. two first saves of one profile): the loser is told to retry.
            _ when MediVault.Infrastructure.Persistence.DatabaseFaults.IsConcurrentDuplicate(exception) =>
                Problem(StatusCodes.Status409Conflict, "Conflict", "Another change to the same record was saved at the same moment. Send the request again."),
            StoredContentCorruptException e => IntegrityFailure(httpContext, e),
            BlobStoreUnavailableException e => StorageUnavailable(httpContext, e),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested => null,
            _ when MediVault.Infrastructure.Persistence.StorageFaults.IsStorageUnavailable(exception) => StorageUnavailable(httpContext, exception),
            _ => null,
        };

        if (problem is null)
        {
            if (httpContext.RequestAborted.IsCancellationRequested)
                return true; // the client went away; nobody is left to answer
            LogUnhandled(logger, exception.GetType().Name, httpContext.TraceIdentifier, exception);
            problem = Problem(StatusCodes.Status500InternalServerError, "Internal server error",
                "Something went wrong on our side. Quote the trace id when reporting it.");
        }

        if (httpContext.Response.HasStarted)
        {
            // Too late for a problem document (e.g. mid-download): cut the connection so the client sees a failure, not bad data.
            httpContext.Abort();
            return true;
        }

        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    /// <summary>Stored content failed authentication: an integrity event in the log (no stack trace, no content), a typed 500 to the client.</summary>
    private ProblemDetails IntegrityFailure(HttpContext httpContext, StoredContentCorruptException exception)
    {
        LogIntegrityFailure(logger, httpContext.TraceIdentifier, exception.Message);
        return new ProblemDetails
        {
            Type = IntegrityFailureType,
            Status = StatusCodes.Status500InternalServerError,
            Title = "Stored content failed its integrity check",
            Detail = "The stored file is damaged or was altered, so none of it is sent. Quote the trace id when reporting it.",
        };
    }

    /// <summary>A body or parameter that could not be bound: name the field when we can tell which.</summary>
    private static ProblemDetails BindingProblem(BadHttpRequestException exception)
    {
        if (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
            return Problem(StatusCodes.Status413PayloadTooLarge, "Payload too large", "The request body is larger than the limit.");

        var (field, message) = exception.InnerException switch
        {
            System.Text.Json.JsonException { Path: { Length: > 2 } path } => (JsonPathToField(path), "The value is not valid here (wrong type or unknown value)."),
            System.Text.Json.JsonException => ("body", "The body is not valid JSON."),
            _ when BindParameter().Match(exception.Message) is { Success: true } m => (m.Groups["name"].Value, $"The value '{m.Groups["value"].Value}' is not valid."),
            _ when exception.Message.Contains("body", StringComparison.OrdinalIgnoreCase) => ("body", "A JSON body is required."),
            _ => ("request", "The request could not be read."),
        };
        return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "One or more fields are invalid.",
            Detail = $"{field}: {message}",
        };
    }

    /// <summary>"$.allergies[0].severity" → "allergies[0].severity".</summary>
    internal static string JsonPathToField(string path) => path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    [System.Text.RegularExpressions.GeneratedRegex("Failed to bind parameter \"(?<type>[^\"]+) (?<name>[A-Za-z0-9_]+)\" from \"(?<value>[^\"]*)\"")]
    private static partial System.Text.RegularExpressions.Regex BindParameter();

    /// <summary>A full or read-only disk: nothing was saved; the same request works once space returns.</summary>
    private ProblemDetails StorageUnavailable(HttpContext httpContext, Exception exception)
    {
        LogStorageUnavailable(logger, exception.GetType().Name, httpContext.TraceIdentifier, exception);
        httpContext.Response.Headers.RetryAfter = "60";
        return Problem(StatusCodes.Status503ServiceUnavailable, "Storage unavailable",
            "The server cannot store data right now (its disk is full or read-only, or its object store does not answer). Nothing was saved; try again later.");
    }

    private static ProblemDetails Problem(int status, string title, string detail) =>
        new() { Status = status, Title = title, Detail = detail };

    [LoggerMessage(EventId = 1401, EventName = "IntegrityFailure", Level = LogLevel.Error,
        Message = "Integrity failure in request {TraceId}: {Reason}")]
    private static partial void LogIntegrityFailure(ILogger logger, string traceId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled {ExceptionType} in request {TraceId}")]
    private static partial void LogUnhandled(ILogger logger, string exceptionType, string traceId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Storage unavailable ({ExceptionType}) in request {TraceId}: the disk is full or read-only")]
    private static partial void LogStorageUnavailable(ILogger logger, string exceptionType, string traceId, Exception exception);
}
