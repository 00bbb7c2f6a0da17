using Microsoft.AspNetCore.Mvc;

namespace MediVault.WebApi.Auth;

/// <summary>
/// A request authenticated by the session cookie that changes state must echo the session's anti-forgery token in
/// the X-XSRF-TOKEN header. Bearer-token requests are not exposed to CSRF (a browser never adds the header by itself).
/// </summary>
internal sealed class AntiforgeryMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problems)
    {
        if (NeedsToken(context))
        {
            var expected = context.User.FindFirst(SessionCookie.XsrfClaim)?.Value;
            var presented = context.Request.Headers[SessionCookie.XsrfHeaderName].ToString();
            if (!AuthSetup.SecretsEqual(expected, presented))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status403Forbidden,
                        Title = "Missing anti-forgery token",
                        Detail = $"Send the value of the {SessionCookie.XsrfCookieName} cookie in the {SessionCookie.XsrfHeaderName} header.",
                    },
                });
                return;
            }
        }
        await next(context);
    }

    private static bool NeedsToken(HttpContext context) =>
        !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
        && !HttpMethods.IsOptions(context.Request.Method) && !HttpMethods.IsTrace(context.Request.Method)
        && context.User.Identity is { IsAuthenticated: true, AuthenticationType: SessionCookie.Scheme }
        && !context.Request.Path.StartsWithSegments("/connect/token")
        // A SMART Health Link manifest is anonymous: it acts for no one, so a session cookie sent along changes nothing.
        && !context.Request.Path.StartsWithSegments("/api/shl/m")
        // The consent screen is a plain form post: its token comes in a form field, checked by the endpoint.
        && !context.Request.Path.StartsWithSegments("/connect/authorize");
}
