using System.Text;
using System.Text.Encodings.Web;
using MediVault.Infrastructure.Identity;
using OpenIddict.Abstractions;

namespace MediVault.WebApi.Auth;

/// <summary>
/// The consent screen of <c>/connect/authorize</c>: names the client, lists the requested scopes in plain words, and
/// posts the person's answer back to the authorization endpoint with the request's own parameters and the session's
/// anti-forgery token. Rendered by the server (no script) so the answer is a top-level form post; every value is
/// HTML-encoded, and the page's Content-Security-Policy lets the form lead only here and, after the answer, to the
/// client's registered redirect URI.
/// </summary>
internal static class ConsentPage
{
    public const string DecisionField = "mv_decision";
    public const string XsrfField = "mv_xsrf";
    public const string Allow = "allow";
    public const string Deny = "deny";

    /// <summary>Our own form fields, which are not part of the OAuth request.</summary>
    public static bool IsOwnField(string name) => name is DecisionField or XsrfField;

    public static IResult Render(HttpContext context, OpenIddictRequest request, string clientName, string personName, string xsrf)
    {
        var html = HtmlEncoder.Default;
        var page = new StringBuilder();
        page.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>Allow ").Append(html.Encode(clientName)).Append(" · MediVault</title>")
            .Append("<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\"><link rel=\"stylesheet\" href=\"/css/app.css\"></head>")
            .Append("<body class=\"min-h-screen\"><main id=\"main\" class=\"mx-auto max-w-lg px-4 py-10\">")
            .Append("<h1 class=\"mb-4 text-2xl font-bold\">Allow ").Append(html.Encode(clientName)).Append(" to use your MediVault account?</h1>")
            .Append("<section class=\"card space-y-4\" aria-labelledby=\"asks\">")
            .Append("<p class=\"text-sm text-slate-600\">Signed in as ").Append(html.Encode(personName)).Append(".</p>")
            .Append("<h2 id=\"asks\" class=\"font-semibold\">").Append(html.Encode(clientName)).Append(" asks to:</h2><ul class=\"space-y-2\">");
        foreach (var scope in request.GetScopes())
            page.Append("<li>").Append(html.Encode(OAuthScopes.Describe(scope))).Append(" <span class=\"text-sm text-slate-600\">(")
                .Append(html.Encode(scope)).Append(")</span></li>");
        page.Append("</ul><p class=\"text-sm text-slate-600\">You can revoke this at any time under Account, Connected apps.</p>")
            .Append("<form method=\"post\" action=\"").Append(html.Encode(context.Request.PathBase + "/connect/authorize")).Append("\" class=\"flex gap-3\">");
        foreach (var (name, value) in request.GetParameters())
        {
            if (IsOwnField(name) || (string?)value is not { } text)
                continue;
            page.Append("<input type=\"hidden\" name=\"").Append(html.Encode(name)).Append("\" value=\"").Append(html.Encode(text)).Append("\">");
        }
        page.Append("<input type=\"hidden\" name=\"").Append(XsrfField).Append("\" value=\"").Append(html.Encode(xsrf)).Append("\">")
            .Append("<button type=\"submit\" name=\"").Append(DecisionField).Append("\" value=\"").Append(Allow).Append("\" class=\"btn btn-primary\">Allow</button>")
            .Append("<button type=\"submit\" name=\"").Append(DecisionField).Append("\" value=\"").Append(Deny).Append("\" class=\"btn btn-secondary\">Deny</button>")
            .Append("</form></section></main></body></html>");

        var headers = context.Response.Headers;
        headers.CacheControl = "no-store";
        headers.ContentSecurityPolicy = FrontendSetup.ContentSecurityPolicy.Replace(
            "form-action 'self'", "form-action 'self' " + RedirectOrigin(request), StringComparison.Ordinal);
        return Results.Content(page.ToString(), "text/html; charset=utf-8");
    }

    /// <summary>The origin of the (already validated, registered) redirect URI, where the answer finally goes.</summary>
    private static string RedirectOrigin(OpenIddictRequest request) =>
        Uri.TryCreate(request.RedirectUri, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : "";
}
