using System.Net;
using MediVault.IntegrationTests.Infrastructure;

namespace MediVault.IntegrationTests;

/// <summary>The web app is served at / and every response carries the security headers.</summary>
public sealed class FrontendTests(MediVaultFactory factory) : IClassFixture<MediVaultFactory>
{
    private const string Policy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
        "frame-src blob:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    private readonly Api api = new(factory);

    public static TheoryData<string> Addresses() => new()
    {
        "/",                      // the web app
        "/js/medivault-api.js",   // a static file
        "/api/health",            // an API answer
        "/api/auth/me",           // a 401 problem
        "/api/no-such-endpoint",  // a 404
    };

    [Theory]
    [MemberData(nameof(Addresses))]
    public async Task AnyResponse_CarriesTheSecurityHeaders(string path)
    {
        using var client = api.Anonymous();

        var response = await client.GetAsync(path);

        response.Headers.GetValues("Content-Security-Policy").Should().ContainSingle().Which.Should().Be(Policy);
        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
        response.Headers.GetValues("Referrer-Policy").Should().Equal("no-referrer");
        response.Headers.GetValues("X-Frame-Options").Should().Equal("DENY");
        response.Headers.GetValues("Permissions-Policy").Single().Should().Contain("camera=()").And.Contain("geolocation=()");
        response.Headers.Contains("Strict-Transport-Security").Should().BeFalse("HSTS is only sent over HTTPS");
    }

    [Fact]
    public async Task Https_AddsStrictTransportSecurity()
    {
        using var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("https://localhost"),
            HandleCookies = false,
        });

        var response = await client.GetAsync("/api/health");

        response.Headers.GetValues("Strict-Transport-Security").Single().Should().StartWith("max-age=31536000");
    }

    [Fact]
    public async Task Root_ServesTheWebApp_WithItsStylesheetAndModule()
    {
        using var client = api.Anonymous();

        var response = await client.GetAsync("/");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        response.Headers.CacheControl!.NoCache.Should().BeTrue();
        var html = await response.Content.ReadAsStringAsync();
        html.Should().Contain("<link rel=\"stylesheet\" href=\"/css/app.css\">")
            .And.Contain("<script type=\"module\" src=\"/js/app.js\"></script>");
        (await client.GetAsync("/css/app.css")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync("/vendor/chart.umd.min.js")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ApiReference_AllowsOnlyItsOwnInlineStartUp()
    {
        using var client = api.Anonymous();

        var response = await client.GetAsync("/docs/");

        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        policy.Should().Contain("script-src 'self' 'unsafe-inline'").And.Contain("frame-ancestors 'none'").And.Contain("connect-src 'self'");
    }

    [Fact]
    public async Task ApiReference_HidesTheVendorsAiChatAndDeveloperToolbar()
    {
        using var client = api.Anonymous();

        var html = await (await client.GetAsync("/docs/")).Content.ReadAsStringAsync();

        html.Should().MatchRegex(@"""showDeveloperTools""\s*:\s*""never""", "no Deploy / Generate SDK toolbar");
        html.Should().MatchRegex(@"""agent""\s*:\s*\{\s*""disabled""\s*:\s*true", "no Ask AI chat");
    }
}
