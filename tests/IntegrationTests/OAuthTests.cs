using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediVault.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using static MediVault.IntegrationTests.Infrastructure.OAuthFlow;

namespace MediVault.IntegrationTests;

/// <summary>
/// The OAuth 2.0 / OpenID Connect server for integrations: discovery, the authorization-code flow with PKCE and
/// consent, client credentials, and the SMART launch context. Includes the regressions of the five defects of issue 12.
/// </summary>
public sealed class OAuthTests : IClassFixture<OAuthTests.IntegrationFactory>
{
    public const string ServiceClientId = "lab-system";
    public const string ServiceClientSecret = "lab-system-secret-0123456789abcdef";
    public const string RegistryClientId = "registry";
    public const string RegistryClientSecret = "registry-secret-0123456789abcdef";
    public const string RegistrySystemScope = "system/DocumentReference.rs";
    public const string PortalClientId = "doctor-portal";
    public const string PortalName = "Riverside Clinic Portal";
    public const string PortalRedirectUri = "https://portal.example/callback";
    public const string HybridClientId = "ehr-bridge";
    public const string HybridClientSecret = "ehr-bridge-secret-0123456789abcdef";

    private readonly IntegrationFactory factory;
    private readonly Api api;
    private readonly OAuthFlow portal;

    public OAuthTests(IntegrationFactory factory)
    {
        this.factory = factory;
        api = new Api(factory);
        portal = new OAuthFlow(factory, PortalClientId, PortalRedirectUri);
    }

    /// <summary>
    /// The app with a confidential service client without system scopes, one granted a system scope by configuration,
    /// and a public PKCE portal client.
    /// </summary>
    public sealed class IntegrationFactory : MediVaultFactory
    {
        public IntegrationFactory()
        {
            Settings["MediVault:Clients:0:ClientId"] = ServiceClientId;
            Settings["MediVault:Clients:0:ClientSecret"] = ServiceClientSecret;
            Settings["MediVault:Clients:1:ClientId"] = PortalClientId;
            Settings["MediVault:Clients:1:DisplayName"] = PortalName;
            Settings["MediVault:Clients:1:RedirectUris:0"] = PortalRedirectUri;
            Settings["MediVault:Clients:2:ClientId"] = RegistryClientId;
            Settings["MediVault:Clients:2:ClientSecret"] = RegistryClientSecret;
            Settings["MediVault:Clients:2:SystemScopes:0"] = RegistrySystemScope;
            Settings["MediVault:Clients:3:ClientId"] = HybridClientId;
            Settings["MediVault:Clients:3:ClientSecret"] = HybridClientSecret;
            Settings["MediVault:Clients:3:RedirectUris:0"] = "https://ehr.example/callback";
        }
    }

    [Fact]
    public async Task Discovery_AdvertisesTheEndpointsGrantsAndSmartScopes()
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
        root.GetProperty("scopes_supported").EnumerateArray().Select(e => e.GetString())
            .Should().Contain(["openid", "fhirUser", "offline_access", "launch/patient", "patient/*.rs", "user/*.rs", "system/*.rs"]);
    }

    [Fact]
    public async Task Defect5_Discovery_AdvertisesS256Only()
    {
        using var client = api.Anonymous();

        using var document = JsonDocument.Parse(await client.GetStringAsync("/.well-known/openid-configuration"));

        document.RootElement.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString())
            .Should().Equal("S256");
    }

    [Fact]
    public async Task Defect5_PlainCodeChallenge_IsRefused()
    {
        var patient = await api.RegisterPatient();
        using var browser = await portal.SignedInBrowserAsync(patient);
        var pkce = Pkce.Create();

        var response = await browser.GetAsync(portal.AuthorizeUrl("openid", pkce with { Challenge = pkce.Verifier },
            new Dictionary<string, string> { ["code_challenge_method"] = "plain" }));

        var answer = response.Headers.Location?.ToString() ?? await response.Content.ReadAsStringAsync();
        answer.Should().Contain("invalid_request").And.Contain("code_challenge_method").And.NotContain("code=");
    }

    [Fact]
    public async Task Defect1_Authorize_WithoutSession_SendsTheBrowserToTheSignInRouteWithNext()
    {
        using var browser = portal.Client(handleCookies: true);
        var url = portal.AuthorizeUrl("openid patient/*.rs", Pkce.Create());

        var response = await browser.GetAsync(url);

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var location = response.Headers.Location!.OriginalString;
        location.Should().StartWith("/#/sign-in?next=");
        // The web app reads `next` from the hash's query and goes back to exactly this authorization request.
        var next = QueryHelpers.ParseQuery(location[location.IndexOf('?', StringComparison.Ordinal)..])["next"].ToString();
        next.Should().StartWith("/connect/authorize?");
        QueryHelpers.ParseQuery(new Uri("http://x" + next).Query).Should().BeEquivalentTo(QueryHelpers.ParseQuery(new Uri("http://x" + url).Query));
    }

    [Fact]
    public async Task Defect1_Authorize_AfterSigningIn_ContinuesTheSameRequest()
    {
        var patient = await api.RegisterPatient();
        using var browser = portal.Client(handleCookies: true);
        var pkce = Pkce.Create();
        var signIn = await browser.GetAsync(portal.AuthorizeUrl("openid patient/*.rs", pkce));
        var location = signIn.Headers.Location!.OriginalString;
        var next = QueryHelpers.ParseQuery(location[location.IndexOf('?', StringComparison.Ordinal)..])["next"].ToString();

        (await browser.PostAsJsonAsync("/api/auth/login", new { email = patient.Email, password = patient.Password })).EnsureSuccessStatusCode();
        var consent = await browser.GetAsync(next);

        consent.StatusCode.Should().Be(HttpStatusCode.OK);
        (await consent.Content.ReadAsStringAsync()).Should().Contain(PortalName);
    }

    [Fact]
    public async Task Defect2_ThirdPartyPortal_GetsNoCodeBeforeThePatientIsAsked()
    {
        var patient = await api.RegisterPatient("Asha Rao");
        using var browser = await portal.SignedInBrowserAsync(patient);

        var response = await browser.GetAsync(portal.AuthorizeUrl("openid fhirUser patient/*.rs offline_access", Pkce.Create()));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.Location.Should().BeNull();
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        var page = await response.Content.ReadAsStringAsync();
        page.Should().Contain(PortalName).And.Contain("Asha Rao")
            .And.Contain("Read all of your records").And.Contain("Keep access when you are not using the app")
            .And.Contain("value=\"allow\"").And.Contain("value=\"deny\"").And.NotContain("code=");
        // The answer goes back by form post, then to the portal: the page's policy allows exactly that.
        response.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("form-action 'self' https://portal.example");
    }

    [Fact]
    public async Task Defect2_PromptConsent_AsksAgainEvenWhenRemembered()
    {
        var patient = await api.RegisterPatient();
        using var browser = await portal.SignedInBrowserAsync(patient);
        await portal.ApproveAsync(browser, "openid patient/*.rs", Pkce.Create());

        var response = await browser.GetAsync(portal.AuthorizeUrl("openid patient/*.rs", Pkce.Create(),
            new Dictionary<string, string> { ["prompt"] = "consent" }));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Contain("value=\"allow\"");
    }

    [Fact]
    public async Task Consent_Approved_IsRememberedForTheSameOrFewerScopes()
    {
        var patient = await api.RegisterPatient();
        using var browser = await portal.SignedInBrowserAsync(patient);
        await portal.ApproveAsync(browser, "openid patient/*.rs offline_access", Pkce.Create());

        var again = await browser.GetAsync(portal.AuthorizeUrl("openid patient/*.rs", Pkce.Create()));

        again.StatusCode.Should().Be(HttpStatusCode.Redirect);
        Received(again.Headers.Location!).Should().ContainKey("code");
    }

    [Fact]
    public async Task Consent_AskedAgainWhenTheScopesGrow()
    {
        var patient = await api.RegisterPatient();
        using var browser = await portal.SignedInBrowserAsync(patient);
        await portal.ApproveAsync(browser, "openid patient/Patient.rs", Pkce.Create());

        var grown = await browser.GetAsync(portal.AuthorizeUrl("openid patient/Patient.rs patient/DocumentReference.rs", Pkce.Create()));

        grown.StatusCode.Should().Be(HttpStatusCode.OK);
        (await grown.Content.ReadAsStringAsync()).Should().Contain("Read your medical documents (the list)");
    }

    [Fact]
    public async Task Consent_Denied_SendsAccessDeniedToThePortal()
    {
        var patient = await api.RegisterPatient();
        using var browser = await portal.SignedInBrowserAsync(patient);
        var page = await browser.GetAsync(portal.AuthorizeUrl("openid patient/*.rs", Pkce.Create()));

        var answer = await AnswerConsentAsync(browser, page, "deny");

        answer.StatusCode.Should().Be(HttpStatusCode.Redirect);
        answer.Headers.Location!.GetLeftPart(UriPartial.Path).Should().Be(PortalRedirectUri);
        var received = Received(answer.Headers.Location!);
        received["error"].Should().Be("access_denied");
        received.Should().ContainKey("state").And.NotContainKey("code");
        // Nothing was remembered: the next request asks again.
        (await browser.GetAsync(portal.AuthorizeUrl("openid patient/*.rs", Pkce.Create()))).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Consent_AnswerWithoutTheSessionsAntiForgeryToken_IsRefused()
    {
        var patient = await api.RegisterPatient();
        using var browser = await portal.SignedInBrowserAsync(patient);
        var pkce = Pkce.Create();
        var query = QueryHelpers.ParseQuery(new Uri("http://x" + portal.AuthorizeUrl("openid patient/*.rs", pkce)).Query)
            .Select(p => KeyValuePair.Create(p.Key, p.Value.ToString()))
            .Append(KeyValuePair.Create("mv_decision", "allow"))
            .Append(KeyValuePair.Create("mv_xsrf", "forged"));

        var response = await browser.PostAsync("/connect/authorize", new FormUrlEncodedContent(query));

        (await response.ShouldBeProblem(HttpStatusCode.Forbidden)).Detail.Should().Contain("consent screen");
        response.Headers.Location.Should().BeNull();
    }

    [Fact]
    public async Task Consent_AnswerOtherThanAllowOrDeny_Is400AndIssuesNothing()
    {
        var patient = await api.RegisterPatient();
        using var browser = await portal.SignedInBrowserAsync(patient);
        var page = await browser.GetAsync(portal.AuthorizeUrl("openid", Pkce.Create()));

        var response = await AnswerConsentAsync(browser, page, "maybe");

        (await response.ShouldBeProblem(HttpStatusCode.BadRequest)).Detail.Should().Contain("allow or deny");
        (await (await patient.Client.GetAsync("/api/auth/connected-apps")).Content.ReadAsStringAsync()).Should().Be("[]");
    }

    [Fact]
    public async Task Consent_RequestValuesAreEncoded_NeverMarkup()
    {
        var patient = await api.RegisterPatient();
        using var browser = await portal.SignedInBrowserAsync(patient);

        var response = await browser.GetAsync(portal.AuthorizeUrl("openid", Pkce.Create(),
            new Dictionary<string, string> { ["state"] = "\"><script>alert(1)</script>" }));

        var page = await response.Content.ReadAsStringAsync();
        page.Should().NotContain("<script").And.Contain("&lt;script&gt;");
        // Posted back as the browser would, the state reaches the portal unchanged.
        var answer = await AnswerConsentAsync(browser, response, "deny");
        Received(answer.Headers.Location!)["state"].Should().Be("\"><script>alert(1)</script>");
    }

    [Fact]
    public async Task Consent_PromptNone_WithoutConsent_AnswersConsentRequired()
    {
        var patient = await api.RegisterPatient();
        using var browser = await portal.SignedInBrowserAsync(patient);

        var response = await browser.GetAsync(portal.AuthorizeUrl("openid", Pkce.Create(), new Dictionary<string, string> { ["prompt"] = "none" }));

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        Received(response.Headers.Location!)["error"].Should().Be("consent_required");
    }

    [Fact]
    public async Task Authorize_SystemScopeThroughAPerson_IsRefused()
    {
        var patient = await api.RegisterPatient();
        using var browser = await portal.SignedInBrowserAsync(patient);

        var response = await browser.GetAsync(portal.AuthorizeUrl("openid system/*.rs", Pkce.Create()));

        // The portal is not permitted system scopes: OpenIddict answers before any consent (ID2051).
        var answer = response.Headers.Location?.ToString() ?? await response.Content.ReadAsStringAsync();
        answer.Should().Contain("not allowed to use the specified scope").And.NotContain("code=");
    }

    [Fact]
    public async Task AuthorizationCodeWithPkce_SignedInUser_GetsTokensForThemself()
    {
        var patient = await api.RegisterPatient("Portal Patient");
        using var browser = await portal.SignedInBrowserAsync(patient);
        var pkce = Pkce.Create();

        var redirect = await portal.ApproveAsync(browser, "openid medivault.api offline_access", pkce);

        redirect.GetLeftPart(UriPartial.Path).Should().Be(PortalRedirectUri);
        var token = await (await portal.ExchangeAsync(Received(redirect)["code"], pkce.Verifier)).ReadAs<TokenAnswer>();
        token.Refresh_token.Should().NotBeNullOrEmpty();
        using var client = portal.WithToken(token.Access_token);
        (await (await client.GetAsync("/api/auth/me")).ReadAs<UserAnswer>()).Id.Should().Be(patient.Id);
    }

    [Fact]
    public async Task AuthorizationCode_WrongVerifier_IsRefused()
    {
        var patient = await api.RegisterPatient();
        using var browser = await portal.SignedInBrowserAsync(patient);
        var redirect = await portal.ApproveAsync(browser, "medivault.api", Pkce.Create());

        var response = await portal.ExchangeAsync(Received(redirect)["code"], Pkce.Create().Verifier);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("invalid_grant");
    }

    [Fact]
    public async Task Authorize_WithoutPkce_IsRefused()
    {
        var patient = await api.RegisterPatient();
        using var browser = await portal.SignedInBrowserAsync(patient);

        var response = await browser.GetAsync(QueryHelpers.AddQueryString("/connect/authorize", new Dictionary<string, string?>
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

    [Fact]
    public async Task LaunchPatient_PatientUser_TokenResponseCarriesThePatient_AndIdTokenTheFhirUser()
    {
        var patient = await api.RegisterPatient();

        var token = await portal.TokensForAsync(patient, "openid fhirUser launch/patient patient/*.rs");

        token.Patient.Should().Be(patient.Id.ToString());
        IdTokenClaims(token.Id_token!).GetProperty("fhirUser").GetString().Should().Be($"Patient/{patient.Id}");
    }

    [Fact]
    public async Task LaunchPatient_DoctorUser_NoPatientContext_FhirUserIsThePractitioner()
    {
        var doctor = await api.RegisterDoctor();

        var token = await portal.TokensForAsync(doctor, "openid fhirUser launch/patient user/*.rs");

        token.Patient.Should().BeNull();
        IdTokenClaims(token.Id_token!).GetProperty("fhirUser").GetString().Should().Be($"Practitioner/{doctor.Id}");
    }

    [Fact]
    public async Task WithoutLaunchPatient_NoPatientContext_AndNoFhirUserWithoutItsScope()
    {
        var patient = await api.RegisterPatient();

        var token = await portal.TokensForAsync(patient, "openid patient/*.rs");

        token.Patient.Should().BeNull();
        IdTokenClaims(token.Id_token!).TryGetProperty("fhirUser", out _).Should().BeFalse();
    }

    [Fact]
    public async Task Refresh_KeepsThePatientContext()
    {
        var patient = await api.RegisterPatient();
        var token = await portal.TokensForAsync(patient, "launch/patient patient/*.rs offline_access");
        using var client = portal.Client(handleCookies: false);

        var refreshed = await (await client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = PortalClientId,
            ["refresh_token"] = token.Refresh_token!,
        }))).ReadAs<TokenAnswer>();

        refreshed.Patient.Should().Be(patient.Id.ToString());
    }

    [Fact]
    public async Task ClientCredentials_IssuesAToken()
    {
        using var client = api.Anonymous();

        var response = await ClientCredentialsAsync(client, ServiceClientId, ServiceClientSecret, "medivault.api");

        var token = await response.ReadAs<TokenAnswer>();
        token.Token_type.Should().Be("Bearer");
        token.Refresh_token.Should().BeNull();
    }

    [Fact]
    public async Task Defect3_ClientCredentials_WithoutSystemScopes_PatientEndpointsAnswer403SayingWhy()
    {
        var patient = await api.RegisterPatient();
        using var anonymous = api.Anonymous();
        var token = await (await ClientCredentialsAsync(anonymous, ServiceClientId, ServiceClientSecret, "medivault.api")).ReadAs<TokenAnswer>();
        using var service = portal.WithToken(token.Access_token);

        foreach (var path in new[]
        {
            "/api/auth/me", $"/api/files/{patient.Id}", $"/api/emergency-profile/{patient.Id}", "/api/access-grants",
            $"/api/access-logs/{patient.Id}", $"/api/dashboard/stats/{patient.Id}", "/api/ledger/blocks", "/api/qr/codes",
            "/api/auth/connected-apps",
        })
        {
            var problem = await (await service.GetAsync(path)).ShouldBeProblem(HttpStatusCode.Forbidden);
            problem.Detail.Should().Contain(ServiceClientId).And.Contain("client_credentials").And.Contain("no system scopes", path);
        }
    }

    [Fact]
    public async Task ClientCredentials_WithASystemScopeFromConfiguration_GetsIt_ButNoPersonsEndpoint()
    {
        using var anonymous = api.Anonymous();

        var token = await (await ClientCredentialsAsync(anonymous, RegistryClientId, RegistryClientSecret, RegistrySystemScope)).ReadAs<TokenAnswer>();

        // The token holds the system scope (named in the refusal of the persons' API), which is for /fhir/r4 only.
        using var service = portal.WithToken(token.Access_token);
        (await (await service.GetAsync("/api/auth/me")).ShouldBeProblem(HttpStatusCode.Forbidden)).Detail
            .Should().Contain($"Its system scopes ({RegistrySystemScope}) apply to the FHIR API under /fhir/r4 only");
    }

    [Fact]
    public async Task ClientCredentials_SystemScopeNotInItsConfiguration_IsRefused()
    {
        using var anonymous = api.Anonymous();

        var response = await ClientCredentialsAsync(anonymous, ServiceClientId, ServiceClientSecret, "system/*.rs");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("not allowed to use the specified scope").And.NotContain("access_token");
    }

    [Fact]
    public async Task ClientCredentials_PersonScope_IsRefused()
    {
        using var anonymous = api.Anonymous();

        var response = await ClientCredentialsAsync(anonymous, RegistryClientId, RegistryClientSecret, "patient/*.rs");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("scope").And.NotContain("access_token");
    }

    [Fact]
    public async Task ClientCredentials_PersonScopeAClientMayAskForThroughAPerson_IsStillRefusedForItself()
    {
        using var anonymous = api.Anonymous();

        var response = await ClientCredentialsAsync(anonymous, HybridClientId, HybridClientSecret, "patient/*.rs");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var answer = await response.Content.ReadAsStringAsync();
        answer.Should().Contain("invalid_scope").And.Contain("system/ scopes only").And.NotContain("access_token");
    }

    [Fact]
    public async Task ClientCredentials_WrongSecret_IsRefused()
    {
        using var client = api.Anonymous();

        var response = await ClientCredentialsAsync(client, ServiceClientId, "wrong", null);

        response.StatusCode.Should().BeOneOf(HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized);
        (await response.Content.ReadAsStringAsync()).Should().Contain("invalid_client").And.NotContain("access_token");
    }
}
