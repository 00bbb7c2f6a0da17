using System.Net;
using MediVault.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static MediVault.IntegrationTests.Infrastructure.OAuthFlow;

namespace MediVault.IntegrationTests;

/// <summary><c>/api/auth/connected-apps</c>: the apps a person allowed, and revoking one, which ends its tokens at once.</summary>
public sealed class ConnectedAppsTests : IClassFixture<OAuthTests.IntegrationFactory>
{
    private readonly OAuthTests.IntegrationFactory factory;
    private readonly Api api;
    private readonly OAuthFlow portal;

    public ConnectedAppsTests(OAuthTests.IntegrationFactory factory)
    {
        this.factory = factory;
        api = new Api(factory);
        portal = new OAuthFlow(factory, OAuthTests.PortalClientId, OAuthTests.PortalRedirectUri);
    }

    private sealed record ScopeAnswer(string Scope, string Description);

    private sealed record AppAnswer(Guid Id, string ClientId, string ClientName, List<ScopeAnswer> Scopes, DateTime GrantedAt, DateTime? LastUsedAt);

    [Fact]
    public async Task List_ShowsTheClientScopesDateGrantedAndLastUse()
    {
        var before = DateTime.UtcNow.AddSeconds(-5);
        var patient = await api.RegisterPatient();
        await portal.TokensForAsync(patient, "openid patient/*.rs offline_access");

        var response = await patient.Client.GetAsync("/api/auth/connected-apps");

        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        var app = (await response.ReadAs<List<AppAnswer>>()).Should().ContainSingle().Subject;
        app.ClientId.Should().Be(OAuthTests.PortalClientId);
        app.ClientName.Should().Be(OAuthTests.PortalName);
        app.Scopes.Select(s => s.Scope).Should().BeEquivalentTo(["openid", "patient/*.rs", "offline_access"]);
        app.Scopes.Single(s => s.Scope == "patient/*.rs").Description.Should().StartWith("Read all of your records");
        app.GrantedAt.Should().BeAfter(before).And.BeBefore(DateTime.UtcNow.AddSeconds(5));
        // Token dates are kept to the second.
        app.LastUsedAt.Should().NotBeNull().And.BeOnOrAfter(app.GrantedAt.AddSeconds(-1));
    }

    [Fact]
    public async Task List_ApprovingMoreScopesLater_KeepsOneEntryWithAllOfThem()
    {
        var patient = await api.RegisterPatient();
        using var browser = await portal.SignedInBrowserAsync(patient);
        await portal.ApproveAsync(browser, "openid patient/Patient.rs", Pkce.Create());
        await portal.ApproveAsync(browser, "openid patient/DocumentReference.rs", Pkce.Create());

        var apps = await (await patient.Client.GetAsync("/api/auth/connected-apps")).ReadAs<List<AppAnswer>>();

        apps.Should().ContainSingle().Which.Scopes.Select(s => s.Scope)
            .Should().BeEquivalentTo(["openid", "patient/Patient.rs", "patient/DocumentReference.rs"]);
    }

    [Fact]
    public async Task List_NoConnectedApp_IsEmpty_AndTheWebSessionIsNotAnApp()
    {
        var patient = await api.RegisterPatient();

        var apps = await (await patient.Client.GetAsync("/api/auth/connected-apps")).ReadAs<List<AppAnswer>>();

        apps.Should().BeEmpty();
    }

    [Fact]
    public async Task List_Anonymous_Is401()
    {
        using var anonymous = api.Anonymous();

        await (await anonymous.GetAsync("/api/auth/connected-apps")).ShouldBeProblem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task List_ShowsOnlyTheCallersOwnApps()
    {
        var patient = await api.RegisterPatient();
        var other = await api.RegisterPatient();
        await portal.TokensForAsync(patient, "openid");

        var apps = await (await other.Client.GetAsync("/api/auth/connected-apps")).ReadAs<List<AppAnswer>>();

        apps.Should().BeEmpty();
    }

    [Fact]
    public async Task Revoke_EndsThePortalsTokensAtOnce()
    {
        var patient = await api.RegisterPatient();
        var token = await portal.TokensForAsync(patient, "openid medivault.api offline_access");
        using var portalClient = portal.WithToken(token.Access_token);
        (await portalClient.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK);
        var app = (await (await patient.Client.GetAsync("/api/auth/connected-apps")).ReadAs<List<AppAnswer>>()).Single();

        var response = await patient.Client.DeleteAsync($"/api/auth/connected-apps/{app.Id}");

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await portalClient.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        using var refresher = portal.Client(handleCookies: false);
        var refresh = await refresher.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = OAuthTests.PortalClientId,
            ["refresh_token"] = token.Refresh_token!,
        }));
        refresh.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await (await patient.Client.GetAsync("/api/auth/connected-apps")).ReadAs<List<AppAnswer>>()).Should().BeEmpty();
        // The person's own session is untouched.
        (await patient.Client.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Revoke_ThenTheAppMustAskAgain()
    {
        var patient = await api.RegisterPatient();
        using var browser = await portal.SignedInBrowserAsync(patient);
        await portal.ApproveAsync(browser, "openid", Pkce.Create());
        var app = (await (await patient.Client.GetAsync("/api/auth/connected-apps")).ReadAs<List<AppAnswer>>()).Single();
        (await patient.Client.DeleteAsync($"/api/auth/connected-apps/{app.Id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        var again = await browser.GetAsync(portal.AuthorizeUrl("openid", Pkce.Create()));

        again.StatusCode.Should().Be(HttpStatusCode.OK);
        (await again.Content.ReadAsStringAsync()).Should().Contain("value=\"allow\"");
    }

    [Fact]
    public async Task Revoke_Anonymous_Is401()
    {
        using var anonymous = api.Anonymous();

        await (await anonymous.DeleteAsync($"/api/auth/connected-apps/{Guid.NewGuid()}")).ShouldBeProblem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Revoke_AnotherPersonsApp_Is404_AndChangesNothing()
    {
        var patient = await api.RegisterPatient();
        var stranger = await api.RegisterPatient();
        var token = await portal.TokensForAsync(patient, "medivault.api");
        var app = (await (await patient.Client.GetAsync("/api/auth/connected-apps")).ReadAs<List<AppAnswer>>()).Single();

        var response = await stranger.Client.DeleteAsync($"/api/auth/connected-apps/{app.Id}");

        await response.ShouldBeProblem(HttpStatusCode.NotFound);
        using var portalClient = portal.WithToken(token.Access_token);
        (await portalClient.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Revoke_UnknownId_Is404()
    {
        var patient = await api.RegisterPatient();

        await (await patient.Client.DeleteAsync($"/api/auth/connected-apps/{Guid.NewGuid()}")).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Revoke_AlreadyRevoked_Is404()
    {
        var patient = await api.RegisterPatient();
        await portal.TokensForAsync(patient, "openid");
        var app = (await (await patient.Client.GetAsync("/api/auth/connected-apps")).ReadAs<List<AppAnswer>>()).Single();
        (await patient.Client.DeleteAsync($"/api/auth/connected-apps/{app.Id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        await (await patient.Client.DeleteAsync($"/api/auth/connected-apps/{app.Id}")).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Revoke_MalformedId_Is400NamingTheField()
    {
        var patient = await api.RegisterPatient();

        await (await patient.Client.DeleteAsync("/api/auth/connected-apps/not-a-guid")).ShouldBeValidationProblemFor("id");
    }

    [Fact]
    public async Task Revoke_TheWebSessionItself_IsNotAConnectedApp_404()
    {
        var patient = await api.RegisterPatient();
        var sessionId = await WebSessionIdAsync(patient);

        await (await patient.Client.DeleteAsync($"/api/auth/connected-apps/{sessionId}")).ShouldBeProblem(HttpStatusCode.NotFound);
        (await patient.Client.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    /// <summary>The id of the person's web sign-in (a session: an OpenIddict ad-hoc authorization).</summary>
    private async Task<string> WebSessionIdAsync(Session session)
    {
        using var scope = factory.Services.CreateScope();
        var authorizations = scope.ServiceProvider.GetRequiredService<OpenIddict.Abstractions.IOpenIddictAuthorizationManager>();
        await foreach (var authorization in authorizations.FindBySubjectAsync(session.Id.ToString()))
            return (await authorizations.GetIdAsync(authorization))!;
        throw new InvalidOperationException("The person has no session.");
    }
}
