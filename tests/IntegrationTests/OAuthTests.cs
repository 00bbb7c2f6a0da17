using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MediVault.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace MediVault.IntegrationTests;

/// <summary>The OAuth 2.0 / OpenID Connect server for integrations.</summary>
public sealed class OAuthTests : IClassFixture<OAuthTests.IntegrationFactory>
{
    public const string ServiceClientId = "lab-system";
    public const string ServiceClientSecret = "lab-system-secret-0123456789abcdef";
    public const string PortalClientId = "doctor-portal";
    public const string PortalRedirectUri = "https://portal.example/callback";

    private readonly IntegrationFactory factory;
    private readonly Api api;

    public OAuthTests(IntegrationFactory factory)
    {
        this.factory = factory;
        api = new Api(factory);
    }

    /// <summary>The app with one confidential service client and one public PKCE portal client configured.</summary>
    public sealed class IntegrationFactory : MediVaultFactory
    {
        public IntegrationFactory()
        {
            Settings["MediVault:Clients:0:ClientId"] = ServiceClientId;
            Settings["MediVault:Clients:0:ClientSecret"] = ServiceClientSecret;
            Settings["MediVault:Clients:1:ClientId"] = PortalClientId;
            Settings["MediVault:Clients:1:RedirectUris:0"] = PortalRedirectUri;
        }
    }

    private sealed record TokenAnswer(string Access_token, string Token_type, int Expires_in, string? Refresh_token);

    [Fact]
    public async Task Discovery_AdvertisesTheEndpointsAndGrants()
    {
        using var client = api.Anonymous();

        var response = await client.GetAsync("/.well-known/openid-configuration");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;
        root.GetProperty("token_endpoint").GetString().Should().EndWith("/connect/token");
        root.GetProperty("authorization_endpoint").GetString().Should().EndWith("/connect/authorize");
        root.GetProperty("grant_types_supported").EnumerateArray().Select(e => e.GetString())
            .Should().Contain(["client_credentials", "authorization_code", "refresh_token"]);
        root.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()).Should().Contain("S256");
    }

    [Fact]
    public async Task ClientCredentials_IssuesATokenThatAuthenticates()
    {
        using var client = api.Anonymous();

        var response = await client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = ServiceClientId,
            ["client_secret"] = ServiceClientSecret,
            ["scope"] = "medivault.api",
        }));

        var token = await response.ReadAs<TokenAnswer>();
        token.Token_type.Should().Be("Bearer");
        using var service = api.Anonymous();
        service.DefaultRequestHeaders.Authorization = new("Bearer", token.Access_token);
        // An integration is authenticated but is nobody's account: it sees no user, and no patient's records.
        (await service.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await service.PostAsync("/api/auth/logout", null)).StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task ClientCredentials_WrongSecret_IsRefused()
    {
        using var client = api.Anonymous();

        var response = await client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = ServiceClientId,
            ["client_secret"] = "wrong",
        }));

        response.StatusCode.Should().BeOneOf(HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized);
        (await response.Content.ReadAsStringAsync()).Should().Contain("invalid_client").And.NotContain("access_token");
    }

    [Fact]
    public async Task AuthorizationCodeWithPkce_SignedInUser_GetsTokensForThemself()
    {
        var patient = await api.RegisterPatient("Portal Patient");
        using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        (await browser.PostAsJsonAsync("/api/auth/login", new { email = patient.Email, password = patient.Password }))
            .StatusCode.Should().Be(HttpStatusCode.OK);
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

        var authorize = await browser.GetAsync("/connect/authorize?" + Query(new()
        {
            ["client_id"] = PortalClientId,
            ["redirect_uri"] = PortalRedirectUri,
            ["response_type"] = "code",
            ["scope"] = "openid medivault.api offline_access",
            ["state"] = "state-123",
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        }));

        authorize.StatusCode.Should().Be(HttpStatusCode.Redirect, await authorize.Content.ReadAsStringAsync());
        var location = authorize.Headers.Location!;
        location.GetLeftPart(UriPartial.Path).Should().Be(PortalRedirectUri);
        var parameters = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(location.Query);
        parameters["state"].ToString().Should().Be("state-123");

        using var portal = api.Anonymous();
        var tokenResponse = await portal.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = PortalClientId,
            ["code"] = parameters["code"].ToString(),
            ["redirect_uri"] = PortalRedirectUri,
            ["code_verifier"] = verifier,
        }));
        var token = await tokenResponse.ReadAs<TokenAnswer>();
        token.Refresh_token.Should().NotBeNullOrEmpty();
        portal.DefaultRequestHeaders.Authorization = new("Bearer", token.Access_token);
        (await (await portal.GetAsync("/api/auth/me")).ReadAs<UserAnswer>()).Id.Should().Be(patient.Id);
    }

    [Fact]
    public async Task AuthorizationCode_WrongVerifier_IsRefused()
    {
        var patient = await api.RegisterPatient();
        using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        await browser.PostAsJsonAsync("/api/auth/login", new { email = patient.Email, password = patient.Password });
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(Base64Url(RandomNumberGenerator.GetBytes(32)))));
        var authorize = await browser.GetAsync("/connect/authorize?" + Query(new()
        {
            ["client_id"] = PortalClientId,
            ["redirect_uri"] = PortalRedirectUri,
            ["response_type"] = "code",
            ["scope"] = "medivault.api",
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        }));
        var code = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(authorize.Headers.Location!.Query)["code"].ToString();
        using var portal = api.Anonymous();

        var response = await portal.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = PortalClientId,
            ["code"] = code,
            ["redirect_uri"] = PortalRedirectUri,
            ["code_verifier"] = Base64Url(RandomNumberGenerator.GetBytes(32)),
        }));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("invalid_grant");
    }

    [Fact]
    public async Task Authorize_WithoutSession_SendsTheBrowserToSignIn()
    {
        using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });

        var response = await browser.GetAsync("/connect/authorize?" + Query(new()
        {
            ["client_id"] = PortalClientId,
            ["redirect_uri"] = PortalRedirectUri,
            ["response_type"] = "code",
            ["scope"] = "medivault.api",
            ["code_challenge"] = Base64Url(new byte[32]),
            ["code_challenge_method"] = "S256",
        }));

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.Should().StartWith("/?returnUrl=%2Fconnect%2Fauthorize").And.EndWith("#/login");
    }

    [Fact]
    public async Task Authorize_WithoutPkce_IsRefused()
    {
        var patient = await api.RegisterPatient();
        using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        await browser.PostAsJsonAsync("/api/auth/login", new { email = patient.Email, password = patient.Password });

        var response = await browser.GetAsync("/connect/authorize?" + Query(new()
        {
            ["client_id"] = PortalClientId,
            ["redirect_uri"] = PortalRedirectUri,
            ["response_type"] = "code",
            ["scope"] = "medivault.api",
        }));

        // The error goes back to the (registered) redirect URI, never a code.
        var answer = response.Headers.Location?.ToString() ?? await response.Content.ReadAsStringAsync();
        answer.Should().Contain("invalid_request").And.Contain("code_challenge").And.NotContain("code=");
    }

    private static string Query(Dictionary<string, string> values) =>
        string.Join('&', values.Select(v => v.Key + "=" + Uri.EscapeDataString(v.Value)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
