using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MediVault.Application.Common.Access;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.IntegrationTests.Infrastructure;

/// <summary>
/// The app with the SMART scopes registered with OpenIddict (the OAuth side registers them too: this makes the FHIR
/// tests independent of that), a confidential backend client, and the first-party client allowed to ask for scopes.
/// </summary>
public class FhirFactory : MediVaultFactory
{
    public const string BackendClientId = "fhir-backend";
    public const string BackendClientSecret = "fhir-backend-secret-0123456789abcdef";

    public FhirFactory()
    {
        Settings["MediVault:Clients:0:ClientId"] = BackendClientId;
        Settings["MediVault:Clients:0:ClientSecret"] = BackendClientSecret;
        Settings["MediVault:Clients:0:DisplayName"] = "Backend Lab System";
    }

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddOpenIddict().AddServer(server =>
            server.RegisterScopes([.. SmartScopes.Supported, "patient/DocumentReference.r"]).IgnoreScopePermissions()));
    }
}

/// <summary>Tokens with SMART scopes, and reading FHIR answers.</summary>
public static class FhirClients
{
    /// <summary>A client whose bearer token (password grant) carries exactly the SMART scopes asked for, besides the web app's own.</summary>
    public static async Task<HttpClient> WithSmartScopes(this Api api, Session user, string scopes)
    {
        using var anonymous = api.Anonymous();
        var form = user.AuthenticatorKey is { } key
            ? new Dictionary<string, string>
            {
                // Two-factor sign-in is on (every doctor): the password's challenge and a fresh code, as the web app sends them.
                ["grant_type"] = MediVault.Infrastructure.Identity.TwoFactorGrant.Type,
                ["client_id"] = "medivault-web",
                [MediVault.Infrastructure.Identity.TwoFactorGrant.ChallengeParameter] = await ChallengeAsync(anonymous, user),
                [MediVault.Infrastructure.Identity.TwoFactorGrant.CodeParameter] = Authenticator.Code(key),
                ["scope"] = scopes,
            }
            : new Dictionary<string, string>
            {
                ["grant_type"] = "password",
                ["client_id"] = "medivault-web",
                ["username"] = user.Email,
                ["password"] = user.Password,
                ["scope"] = scopes,
            };
        var response = await anonymous.PostAsync("/connect/token", new FormUrlEncodedContent(form));
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        var client = api.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer", JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString());
        return client;
    }

    private static async Task<string> ChallengeAsync(HttpClient anonymous, Session user)
    {
        var login = await anonymous.PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = user.Password });
        var answer = await login.ReadAs<Authenticator.ChallengeAnswer>();
        answer.TwoFactorRequired.Should().BeTrue();
        return answer.Challenge;
    }

    /// <summary>A client_credentials token of the backend client.</summary>
    public static async Task<HttpClient> AsBackendClient(this Api api, string scope = "medivault.api")
    {
        using var anonymous = api.Anonymous();
        var response = await anonymous.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = FhirFactory.BackendClientId,
            ["client_secret"] = FhirFactory.BackendClientSecret,
            ["scope"] = scope,
        }));
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        var client = api.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer", JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString());
        return client;
    }

    /// <summary>Asserts a FHIR JSON answer with the status and no caching, and returns its body.</summary>
    public static async Task<JsonElement> ShouldBeFhir(this HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, body);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/fhir+json", body);
        response.Headers.CacheControl?.NoStore.Should().BeTrue();
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Asserts an OperationOutcome with the status, and returns its first issue's diagnostics.</summary>
    public static async Task<string> ShouldBeOutcome(this HttpResponseMessage response, HttpStatusCode status)
    {
        var outcome = await response.ShouldBeFhir(status);
        outcome.GetProperty("resourceType").GetString().Should().Be("OperationOutcome");
        var diagnostics = outcome.GetProperty("issue")[0].GetProperty("diagnostics").GetString()!;
        diagnostics.Should().NotContainAny("   at ", "SQLite", "/tmp/");
        return diagnostics;
    }
}
