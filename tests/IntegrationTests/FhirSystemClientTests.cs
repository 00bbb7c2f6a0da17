using System.Net;
using System.Text.Json;
using MediVault.IntegrationTests.Infrastructure;
using static MediVault.IntegrationTests.Infrastructure.OAuthFlow;

namespace MediVault.IntegrationTests;

/// <summary>
/// Issue 12 end to end, over HTTP: a backend client granted <c>system/*.rs</c> by configuration reads FHIR only for
/// a patient who connected that same client (decisions.md §41, §45); a client without system scopes is refused on
/// FHIR; and no client_credentials token acts on a patient's <c>/api</c>.
/// </summary>
public sealed class FhirSystemClientTests(FhirSystemClientTests.SystemFactory factory) : IClassFixture<FhirSystemClientTests.SystemFactory>
{
    public const string SystemClientId = "northgate-registry";
    public const string SystemClientSecret = "northgate-registry-secret-0123456789abcdef";
    public const string SystemClientName = "Northgate Registry";
    public const string SystemRedirectUri = "https://registry.example/callback";
    public const string PlainClientId = "plain-backend";
    public const string PlainClientSecret = "plain-backend-secret-0123456789abcdef";

    /// <summary>A confidential client granted <c>system/*.rs</c> (which patients can also connect), and one without system scopes.</summary>
    public sealed class SystemFactory : MediVaultFactory
    {
        public SystemFactory()
        {
            Settings["MediVault:Clients:0:ClientId"] = SystemClientId;
            Settings["MediVault:Clients:0:ClientSecret"] = SystemClientSecret;
            Settings["MediVault:Clients:0:DisplayName"] = SystemClientName;
            Settings["MediVault:Clients:0:RedirectUris:0"] = SystemRedirectUri;
            Settings["MediVault:Clients:0:SystemScopes:0"] = "system/*.rs";
            Settings["MediVault:Clients:1:ClientId"] = PlainClientId;
            Settings["MediVault:Clients:1:ClientSecret"] = PlainClientSecret;
        }
    }

    private readonly Api api = new(factory);

    [Fact]
    public async Task SystemToken_ReadsAConsentingPatient_NotOneWhoNeverConnectedTheClient()
    {
        var consenting = await api.RegisterPatient();
        var stranger = await api.RegisterPatient();
        var file = await consenting.Upload(SampleFiles.Pdf(), "scan.pdf");
        var strangerFile = await stranger.Upload(SampleFiles.Pdf(), "other.pdf");
        var flow = new OAuthFlow(factory, SystemClientId, SystemRedirectUri);
        using (var browser = await flow.SignedInBrowserAsync(consenting))
            Received(await flow.ApproveAsync(browser, "openid patient/*.rs", Pkce.Create())).Should().ContainKey("code");

        using var backend = await SystemClientAsync(SystemClientId, SystemClientSecret, "system/*.rs");

        var patient = await (await backend.GetAsync($"/fhir/r4/Patient/{consenting.Id}")).ShouldBeFhir();
        patient.GetProperty("id").GetString().Should().Be(consenting.Id.ToString());
        var document = await (await backend.GetAsync($"/fhir/r4/DocumentReference/{file.Id}")).ShouldBeFhir();
        document.GetProperty("resourceType").GetString().Should().Be("DocumentReference");
        var log = await consenting.AccessLog(consenting.Id);
        log.Items.Should().Contain(entry => entry.ActorName == SystemClientName && entry.ActorRole == "system");

        // The patient who never connected the client: indistinguishable from nobody (decisions.md §45).
        await (await backend.GetAsync($"/fhir/r4/Patient/{stranger.Id}")).ShouldBeOutcome(HttpStatusCode.NotFound);
        await (await backend.GetAsync($"/fhir/r4/DocumentReference/{strangerFile.Id}")).ShouldBeOutcome(HttpStatusCode.NotFound);
        await (await backend.GetAsync($"/fhir/r4/Patient/{Guid.NewGuid()}")).ShouldBeOutcome(HttpStatusCode.NotFound);

        // Revoking the client under Connected apps ends its reach at once, with the same token.
        using var apps = JsonDocument.Parse(await consenting.Client.GetStringAsync("/api/auth/connected-apps"));
        var app = apps.RootElement.EnumerateArray().Single(a => a.GetProperty("clientId").GetString() == SystemClientId);
        (await consenting.Client.DeleteAsync($"/api/auth/connected-apps/{app.GetProperty("id").GetString()}")).IsSuccessStatusCode.Should().BeTrue();
        await (await backend.GetAsync($"/fhir/r4/Patient/{consenting.Id}")).ShouldBeOutcome(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ClientWithoutSystemScopes_Is403OutcomeOnFhir_EvenForAPatientWhoConnectedIt()
    {
        var patient = await api.RegisterPatient();
        using var backend = await SystemClientAsync(PlainClientId, PlainClientSecret, "medivault.api");

        var diagnostics = await (await backend.GetAsync($"/fhir/r4/Patient/{patient.Id}")).ShouldBeOutcome(HttpStatusCode.Forbidden);

        diagnostics.Should().Contain("system/").And.Contain("configuration");
    }

    [Theory]
    [InlineData(SystemClientId, SystemClientSecret, "system/*.rs")]
    [InlineData(PlainClientId, PlainClientSecret, "medivault.api")]
    public async Task ClientCredentialsToken_OnAPatientApiEndpoint_Is403Problem(string clientId, string secret, string? scope)
    {
        var patient = await api.RegisterPatient();
        using var backend = await SystemClientAsync(clientId, secret, scope);

        var response = await backend.GetAsync($"/api/files/{patient.Id}");

        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        var problem = await response.ShouldBeProblem(HttpStatusCode.Forbidden);
        problem.Detail.Should().Contain(clientId).And.Contain("client_credentials");
    }

    private async Task<HttpClient> SystemClientAsync(string clientId, string secret, string? scope)
    {
        using var anonymous = api.Anonymous();
        var token = await (await ClientCredentialsAsync(anonymous, clientId, secret, scope)).ReadAs<TokenAnswer>();
        token.Patient.Should().BeNull();
        return new OAuthFlow(factory, clientId, SystemRedirectUri).WithToken(token.Access_token);
    }
}
