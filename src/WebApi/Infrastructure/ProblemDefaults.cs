namespace MediVault.WebApi.Infrastructure;

/// <summary>
/// The <c>detail</c> of problem documents written for a bare status code (status code pages, the authentication
/// challenge, routing): the contract asks every problem for a <c>detail</c>, and these answers have none of their own.
/// </summary>
internal static class ProblemDefaults
{
    public static string? DetailFor(int? status) => status switch
    {
        StatusCodes.Status400BadRequest => "The request could not be read.",
        StatusCodes.Status401Unauthorized => "Sign in first: send a valid access token (Authorization: Bearer) or the session cookie.",
        StatusCodes.Status403Forbidden => "This account may not do this.",
        StatusCodes.Status404NotFound => "Nothing was found at this address. Ids in paths are GUIDs.",
        StatusCodes.Status405MethodNotAllowed => "This method is not allowed at this address.",
        StatusCodes.Status415UnsupportedMediaType =>
            "This endpoint does not accept the body's Content-Type: uploads are multipart/form-data, other bodies application/json.",
        _ => null,
    };

    /// <summary>Fills in a missing <c>detail</c> from the status, and adds the trace id to every problem.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
        context.ProblemDetails.Detail ??= DetailFor(context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode);
    }
}
