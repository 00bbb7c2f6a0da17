using MediVault.IntegrationTests.Infrastructure;

namespace MediVault.IntegrationTests;

/// <summary>Only configured portal origins may call the API from a browser, and never with credentials.</summary>
public sealed class CorsTests : IClassFixture<CorsTests.PortalFactory>
{
    private readonly Api api;

    public CorsTests(PortalFactory factory) => api = new Api(factory);

    public sealed class PortalFactory : MediVaultFactory
    {
        public PortalFactory() => Settings["MediVault:Cors:AllowedOrigins:0"] = "https://portal.example";
    }

    private async Task<HttpResponseMessage> Preflight(string origin)
    {
        using var client = api.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/auth/me");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "authorization");
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Preflight_FromAConfiguredOrigin_IsAllowedWithoutCredentials()
    {
        var response = await Preflight("https://portal.example");

        response.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal("https://portal.example");
        response.Headers.Contains("Access-Control-Allow-Credentials").Should().BeFalse();
    }

    [Fact]
    public async Task Preflight_FromAnyOtherOrigin_GetsNoCorsHeaders()
    {
        var response = await Preflight("https://evil.example");

        response.Headers.Contains("Access-Control-Allow-Origin").Should().BeFalse();
    }

    [Fact]
    public async Task Request_FromAConfiguredOrigin_WithBearer_IsAnsweredWithItsOrigin()
    {
        var patient = await api.RegisterPatient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
        request.Headers.Add("Origin", "https://portal.example");

        var response = await patient.Client.SendAsync(request);

        response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
        response.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal("https://portal.example");
    }
}
