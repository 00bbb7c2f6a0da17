using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;

namespace MediVault.IntegrationTests.Infrastructure;

/// <summary>
/// A portal going through the authorization-code flow with PKCE, as a portal and a browser would: the authorize
/// request, the consent screen's form (read and posted back like a browser posts it), and the code exchange.
/// </summary>
public sealed partial class OAuthFlow(WebApplicationFactory<Program> factory, string clientId, string redirectUri)
{
    /// <summary>The PKCE secret of one flow and its S256 challenge.</summary>
    public sealed record Pkce(string Verifier, string Challenge)
    {
        public static Pkce Create()
        {
            var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
            return new Pkce(verifier, Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
        }
    }

    /// <summary>The token endpoint's answer (snake_case, as OAuth writes it).</summary>
    public sealed record TokenAnswer(
        string Access_token, string Token_type, int Expires_in, string? Refresh_token, string? Id_token, string? Scope, string? Patient);

    /// <summary>A browser (cookie jar, redirects not followed) signed in to the web app as <paramref name="session"/>.</summary>
    public async Task<HttpClient> SignedInBrowserAsync(Session session)
    {
        var browser = Client(handleCookies: true);
        var login = await Authenticator.SignInAsync(browser, session.Email, session.Password, session.AuthenticatorKey);
        if (login.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"Login failed with {(int)login.StatusCode}.");
        return browser;
    }

    /// <summary>The authorize URL for <paramref name="scope"/> with an S256 challenge; extra parameters are added as given.</summary>
    public string AuthorizeUrl(string scope, Pkce pkce, IReadOnlyDictionary<string, string>? extra = null)
    {
        var parameters = new Dictionary<string, string?>
        {
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri,
            ["response_type"] = "code",
            ["scope"] = scope,
            ["state"] = "state-" + Guid.NewGuid().ToString("N")[..8],
            ["code_challenge"] = pkce.Challenge,
            ["code_challenge_method"] = "S256",
        };
        foreach (var (name, value) in extra ?? new Dictionary<string, string>())
            parameters[name] = value;
        return QueryHelpers.AddQueryString("/connect/authorize", parameters);
    }

    /// <summary>Answers the consent screen in <paramref name="consentPage"/> as the person would, by clicking Allow or Deny.</summary>
    public static async Task<HttpResponseMessage> AnswerConsentAsync(HttpClient browser, HttpResponseMessage consentPage, string decision)
    {
        var html = await consentPage.Content.ReadAsStringAsync();
        var fields = HiddenInput().Matches(html)
            .Select(m => KeyValuePair.Create(WebUtility.HtmlDecode(m.Groups["name"].Value), WebUtility.HtmlDecode(m.Groups["value"].Value)))
            .Append(KeyValuePair.Create("mv_decision", decision));
        return await browser.PostAsync("/connect/authorize", new FormUrlEncodedContent(fields));
    }

    /// <summary>Runs the flow for a signed-in browser: authorize, approve if asked, and return the code's redirect.</summary>
    public async Task<Uri> ApproveAsync(HttpClient browser, string scope, Pkce pkce)
    {
        var response = await browser.GetAsync(AuthorizeUrl(scope, pkce));
        if (response.StatusCode == HttpStatusCode.OK)
            response = await AnswerConsentAsync(browser, response, "allow");
        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"Expected a redirect to the portal, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response.Headers.Location!;
    }

    /// <summary>The code (or error) the portal's redirect URI received.</summary>
    public static Dictionary<string, string> Received(Uri redirect) =>
        QueryHelpers.ParseQuery(redirect.Query).ToDictionary(p => p.Key, p => p.Value.ToString());

    /// <summary>The portal trades the code for tokens, proving it holds the PKCE verifier.</summary>
    public async Task<HttpResponseMessage> ExchangeAsync(string code, string verifier)
    {
        using var portal = Client(handleCookies: false);
        return await portal.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = clientId,
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["code_verifier"] = verifier,
        }));
    }

    /// <summary>The whole flow for <paramref name="session"/>: sign-in, consent, code, tokens.</summary>
    public async Task<TokenAnswer> TokensForAsync(Session session, string scope)
    {
        using var browser = await SignedInBrowserAsync(session);
        var pkce = Pkce.Create();
        var redirect = await ApproveAsync(browser, scope, pkce);
        return await (await ExchangeAsync(Received(redirect)["code"], pkce.Verifier)).ReadAs<TokenAnswer>();
    }

    /// <summary>A client sending <paramref name="accessToken"/> as its bearer token.</summary>
    public HttpClient WithToken(string accessToken)
    {
        var client = Client(handleCookies: false);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    /// <summary>A client_credentials token request.</summary>
    public static Task<HttpResponseMessage> ClientCredentialsAsync(HttpClient client, string id, string secret, string? scope) =>
        client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string?>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = id,
            ["client_secret"] = secret,
            ["scope"] = scope,
        }.Where(p => p.Value is not null).Select(p => KeyValuePair.Create(p.Key, p.Value!))));

    /// <summary>The claims of an id token (a signed JWT; the test trusts the server that just issued it).</summary>
    public static JsonElement IdTokenClaims(string idToken)
    {
        var payload = idToken.Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
        return JsonDocument.Parse(Convert.FromBase64String(payload)).RootElement.Clone();
    }

    /// <summary>A client of the app (in memory, or Kestrel's loopback port) that does not follow redirects.</summary>
    public HttpClient Client(bool handleCookies) => factory.CreateClient(new WebApplicationFactoryClientOptions
    {
        HandleCookies = handleCookies,
        AllowAutoRedirect = false,
        BaseAddress = (factory as MediVaultFactory)?.LoopbackAddress ?? new WebApplicationFactoryClientOptions().BaseAddress,
    });

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]*)\" value=\"(?<value>[^\"]*)\">")]
    private static partial Regex HiddenInput();
}
