using System.Net;
using System.Text.Json;
using MediVault.IntegrationTests.Infrastructure;
using static MediVault.IntegrationTests.Infrastructure.OAuthFlow;

namespace MediVault.IntegrationTests;

/// <summary><c>/connect/userinfo</c>: who the token's person is; never a 5xx, whatever the token.</summary>
public sealed class UserInfoTests : IClassFixture<OAuthTests.IntegrationFactory>
{
    private readonly Api api;
    private readonly OAuthFlow portal;

    public UserInfoTests(OAuthTests.IntegrationFactory factory)
    {
        api = new Api(factory);
        portal = new OAuthFlow(factory, OAuthTests.PortalClientId, OAuthTests.PortalRedirectUri);
    }

    [Fact]
    public async Task UserToken_DescribesThePerson_WithFhirUserWhenAskedFor()
    {
        var patient = await api.RegisterPatient("Lena Ortiz");
        var token = await portal.TokensForAsync(patient, "openid fhirUser profile email");
        using var client = portal.WithToken(token.Access_token);

        var response = await client.GetAsync("/connect/userinfo");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var claims = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        claims.RootElement.GetProperty("sub").GetString().Should().Be(patient.Id.ToString());
        claims.RootElement.GetProperty("name").GetString().Should().Be("Lena Ortiz");
        claims.RootElement.GetProperty("fhirUser").GetString().Should().Be($"Patient/{patient.Id}");
    }

    [Fact]
    public async Task UserToken_WithoutFhirUserScope_HasNoFhirUser()
    {
        var doctor = await api.RegisterDoctor();
        var token = await portal.TokensForAsync(doctor, "openid");
        using var client = portal.WithToken(token.Access_token);

        using var claims = JsonDocument.Parse(await client.GetStringAsync("/connect/userinfo"));

        claims.RootElement.GetProperty("sub").GetString().Should().Be(doctor.Id.ToString());
        claims.RootElement.TryGetProperty("fhirUser", out _).Should().BeFalse();
    }

    [Fact]
    public async Task Defect4_ClientCredentialsToken_Is403NotA500()
    {
        using var anonymous = api.Anonymous();
        var token = await (await ClientCredentialsAsync(
            anonymous, OAuthTests.ServiceClientId, OAuthTests.ServiceClientSecret, "medivault.api")).ReadAs<TokenAnswer>();
        using var service = portal.WithToken(token.Access_token);

        var get = await service.GetAsync("/connect/userinfo");
        var post = await service.PostAsync("/connect/userinfo", new FormUrlEncodedContent([]));

        get.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        post.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        get.Headers.WwwAuthenticate.ToString().Should().Contain("insufficient_access").And.Contain("names no user");
    }

    [Fact]
    public async Task NoToken_Is401()
    {
        using var anonymous = api.Anonymous();

        var response = await anonymous.GetAsync("/connect/userinfo");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task GarbageToken_Is401()
    {
        using var client = portal.WithToken("not-a-token");

        var response = await client.GetAsync("/connect/userinfo");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task RevokedSessionToken_Is401()
    {
        var patient = await api.RegisterPatient();
        (await patient.Client.PostAsync("/api/auth/logout", null)).StatusCode.Should().Be(HttpStatusCode.NoContent);

        var response = await patient.Client.GetAsync("/connect/userinfo");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }
}
