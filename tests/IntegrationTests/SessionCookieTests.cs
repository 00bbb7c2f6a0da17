using System.Net;
using System.Net.Http.Json;
using MediVault.IntegrationTests.Infrastructure;

namespace MediVault.IntegrationTests;

/// <summary>The browser session: an HttpOnly cookie, with an anti-forgery header on state-changing requests.</summary>
public sealed class SessionCookieTests(MediVaultFactory factory) : IClassFixture<MediVaultFactory>
{
    private readonly Api api = new(factory);

    private sealed record BrowserSession(string Cookie, string Xsrf);

    /// <summary>Signs in without a cookie jar and keeps the two cookies the login sets, as a browser would.</summary>
    private async Task<BrowserSession> SignIn()
    {
        var patient = await api.RegisterPatient();
        using var client = api.Anonymous();
        var login = await client.PostAsJsonAsync("/api/auth/login", new { email = patient.Email, password = patient.Password });
        login.StatusCode.Should().Be(HttpStatusCode.OK);
        var cookies = login.Headers.GetValues("Set-Cookie").ToList();
        string Value(string name) => cookies.Single(c => c.StartsWith(name + "=", StringComparison.Ordinal)).Split(';')[0];
        var xsrf = Value("XSRF-TOKEN");
        return new BrowserSession($"{Value("mv_session")}; {xsrf}", xsrf["XSRF-TOKEN=".Length..]);
    }

    private async Task<HttpResponseMessage> Send(BrowserSession session, HttpMethod method, string path, object? body = null, string? xsrf = null)
    {
        using var client = api.Anonymous();
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("Cookie", session.Cookie);
        if (xsrf is not null)
            request.Headers.Add("X-XSRF-TOKEN", xsrf);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Login_SetsHttpOnlyStrictSessionCookie_AndReadableXsrfCookie()
    {
        var patient = await api.RegisterPatient();
        using var client = api.Anonymous();

        var login = await client.PostAsJsonAsync("/api/auth/login", new { email = patient.Email, password = patient.Password });

        var cookies = login.Headers.GetValues("Set-Cookie").ToList();
        cookies.Should().Contain(c => c.StartsWith("mv_session=", StringComparison.Ordinal)
            && c.Contains("httponly", StringComparison.OrdinalIgnoreCase) && c.Contains("samesite=strict", StringComparison.OrdinalIgnoreCase));
        cookies.Should().Contain(c => c.StartsWith("XSRF-TOKEN=", StringComparison.Ordinal)
            && !c.Contains("httponly", StringComparison.OrdinalIgnoreCase) && c.Contains("samesite=strict", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Cookie_AuthenticatesReads()
    {
        var session = await SignIn();

        var response = await Send(session, HttpMethod.Get, "/api/auth/me");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task CookieStateChange_WithoutAntiforgeryHeader_Returns403()
    {
        var session = await SignIn();

        var response = await Send(session, HttpMethod.Patch, "/api/auth/me", new { fullName = "Forged" });

        await response.ShouldBeProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task CookieStateChange_WithWrongAntiforgeryHeader_Returns403()
    {
        var session = await SignIn();

        var response = await Send(session, HttpMethod.Patch, "/api/auth/me", new { fullName = "Forged" }, xsrf: "not-the-token");

        await response.ShouldBeProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task CookieStateChange_WithAntiforgeryHeader_Succeeds()
    {
        var session = await SignIn();

        var response = await Send(session, HttpMethod.Patch, "/api/auth/me", new { fullName = "Real Change" }, xsrf: session.Xsrf);

        (await response.ReadAs<UserAnswer>()).FullName.Should().Be("Real Change");
    }

    [Fact]
    public async Task Logout_MakesTheCookieWorthless_EvenWhenReplayed()
    {
        var session = await SignIn();

        var logout = await Send(session, HttpMethod.Post, "/api/auth/logout", xsrf: session.Xsrf);
        var replay = await Send(session, HttpMethod.Get, "/api/auth/me");

        logout.StatusCode.Should().Be(HttpStatusCode.NoContent);
        replay.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }
}
