using System.Net;
using System.Text.Json;
using MediVault.IntegrationTests.Infrastructure;

namespace MediVault.IntegrationTests;

/// <summary>The API description documents every route of the contract, with its answers and problem responses.</summary>
public sealed class OpenApiTests(MediVaultFactory factory) : IClassFixture<MediVaultFactory>
{
    private readonly Api api = new(factory);

    private static readonly HashSet<string> AnonymousRoutes =
    [
        "/api/health", "/api/qr/access/{token}", "/api/qr/access", "/api/auth/register", "/api/auth/login", "/api/auth/refresh", "/api/auth/google",
    ];

    public static TheoryData<string, string, string> ContractRoutes() => new()
    {
        // method, path, a success status the document must list
        { "get", "/api/health", "200" },
        { "post", "/api/auth/register", "201" },
        { "post", "/api/auth/login", "200" },
        { "post", "/api/auth/refresh", "200" },
        { "post", "/api/auth/logout", "204" },
        { "get", "/api/auth/me", "200" },
        { "patch", "/api/auth/me", "200" },
        { "post", "/api/auth/change-password", "204" },
        { "get", "/api/auth/google", "302" },
        { "post", "/api/files/upload", "201" },
        { "get", "/api/files/{userId}", "200" },
        { "get", "/api/files/download/{fileId}", "200" },
        { "get", "/api/files/{fileId}/verify", "200" },
        { "delete", "/api/files/{fileId}", "204" },
        { "get", "/api/ledger/verify", "200" },
        { "get", "/api/ledger/blocks", "200" },
        { "get", "/api/emergency-profile/{userId}", "200" },
        { "post", "/api/emergency-profile/{userId}", "200" },
        { "put", "/api/emergency-profile/{userId}", "200" },
        { "post", "/api/qr/generate", "201" },
        { "get", "/api/qr/codes", "200" },
        { "delete", "/api/qr/{id}", "204" },
        { "get", "/api/qr/access/{token}", "200" },
        { "post", "/api/qr/access", "200" },
        { "post", "/api/access-grants", "201" },
        { "get", "/api/access-grants", "200" },
        { "delete", "/api/access-grants/{id}", "204" },
        { "get", "/api/doctor/patients", "200" },
        { "get", "/api/dashboard/stats/{userId}", "200" },
        { "get", "/api/access-logs/{userId}", "200" },
    };

    [Theory]
    [MemberData(nameof(ContractRoutes))]
    public async Task Document_DescribesTheRoute_WithItsSuccessAndProblemAnswers(string method, string path, string success)
    {
        using var client = api.Anonymous();

        using var document = JsonDocument.Parse(await (await client.GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync());

        var operation = document.RootElement.GetProperty("paths").GetProperty(path).GetProperty(method);
        var responses = operation.GetProperty("responses");
        responses.TryGetProperty(success, out _).Should().BeTrue($"{method} {path} should document {success}");
        foreach (var response in responses.EnumerateObject().Where(r => r.Name.StartsWith('4')))
            response.Value.GetProperty("content").TryGetProperty("application/problem+json", out _)
                .Should().BeTrue($"{method} {path} answers {response.Name} with a problem document");
        if (!AnonymousRoutes.Contains(path))
            responses.TryGetProperty("401", out _).Should().BeTrue($"{method} {path} is protected and should document 401");
    }

    [Fact]
    public async Task Document_NamesTheBearerScheme_AndTheRequestBodies()
    {
        using var client = api.Anonymous();

        using var document = JsonDocument.Parse(await (await client.GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync());

        var root = document.RootElement;
        root.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("Bearer", out _).Should().BeTrue();
        root.GetProperty("paths").GetProperty("/api/auth/register").GetProperty("post").TryGetProperty("requestBody", out _).Should().BeTrue();
        root.GetProperty("paths").GetProperty("/api/files/upload").GetProperty("post").TryGetProperty("requestBody", out _).Should().BeTrue();
    }

    [Fact]
    public async Task Reference_IsServedAtDocs_WithoutAnyOtherOrigin()
    {
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/docs/");
        var html = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        html.Should().Contain("openapi/v1.json").And.NotContain("https://");
    }
}
