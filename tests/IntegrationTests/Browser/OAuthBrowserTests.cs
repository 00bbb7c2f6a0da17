using System.Net;
using MediVault.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MediVault.IntegrationTests.Browser;

/// <summary>
/// A portal's authorization-code flow in a real browser, from a signed-out start: sign-in, consent, the code at the
/// portal's redirect URI, the PKCE exchange; then the patient revokes the portal under Connected apps.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class OAuthBrowserTests(BrowserApp app)
{
    private OAuthFlow Portal => new(app.Factory, BrowserApp.PortalClientId, BrowserApp.PortalRedirectUri);

    [Fact]
    public async Task SignedOutPatient_SignsInConsents_PortalGetsACodeAndTokens_ReadsFhir_ThenRevokeEndsThem()
    {
        var patient = await app.Seed.RegisterPatient("Noor Haddad");
        var upload = SampleFiles.Pdf(15_000, 7);
        await SeedApi.UploadFile(patient, "blood-count.pdf", upload, "lab-report");
        await using var ui = await app.NewSessionAsync(Viewport.Desktop);
        // The portal's own page: the test stands in for it and keeps what its redirect URI received.
        await ui.Page.RouteAsync("https://portal.example/**", route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 200,
            ContentType = "text/html",
            Body = "<!doctype html><title>Portal</title><h1>Portal</h1>",
        }));
        var pkce = OAuthFlow.Pkce.Create();

        // The portal sends the signed-out browser to MediVault's authorization endpoint.
        await ui.Page.GotoAsync(Portal.AuthorizeUrl("openid fhirUser launch/patient patient/*.rs offline_access", pkce));

        // Sign-in first, told why.
        await Expect(ui.Main.GetByRole(AriaRole.Heading, new() { Name = "Sign in to MediVault", Level = 1 })).ToBeVisibleAsync();
        await Expect(ui.Main.GetByText("An app is asking to use your MediVault account.")).ToBeVisibleAsync();
        await ui.Main.GetByLabel("Email").FillAsync(patient.Email);
        await ui.Main.GetByLabel("Password").FillAsync(patient.Password);
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();

        // Then consent: the client by name and the scopes in plain words.
        var consent = ui.Page.GetByRole(AriaRole.Main);
        await Expect(consent.GetByRole(AriaRole.Heading, new() { Name = $"Allow {BrowserApp.PortalName} to use your MediVault account?" }))
            .ToBeVisibleAsync();
        await Expect(consent.GetByRole(AriaRole.Listitem)).ToContainTextAsync([
            "Confirm who you are", "Know which MediVault patient or doctor record is yours", "Know which patient's records it is working with",
            "Read all of your records", "Keep access when you are not using the app",
        ]);
        await ui.AssertAccessibleAsync("consent");
        await consent.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync();
        await ui.Page.WaitForURLAsync(BrowserApp.PortalRedirectUri + "?**");

        // The portal's redirect URI got a code, which it trades for tokens with its PKCE verifier.
        var received = OAuthFlow.Received(new Uri(ui.Page.Url));
        received.Should().ContainKey("code").And.ContainKey("state");
        var token = await (await Portal.ExchangeAsync(received["code"], pkce.Verifier)).ReadAs<OAuthFlow.TokenAnswer>();
        token.Patient.Should().Be(patient.Id.ToString());
        using var portalClient = Portal.WithToken(token.Access_token);
        (await portalClient.GetAsync("/connect/userinfo")).StatusCode.Should().Be(HttpStatusCode.OK);

        // With that token the portal reads the patient's summary (an IPS document, Composition first)...
        var summary = await (await portalClient.GetAsync($"/fhir/r4/Patient/{token.Patient}/$summary")).ShouldBeFhir();
        summary.GetProperty("resourceType").GetString().Should().Be("Bundle");
        summary.GetProperty("type").GetString().Should().Be("document");
        summary.GetProperty("entry")[0].GetProperty("resource").GetProperty("resourceType").GetString().Should().Be("Composition");
        // ...finds the file the patient uploaded, and follows its attachment URL to the same bytes.
        var documents = await (await portalClient.GetAsync($"/fhir/r4/DocumentReference?patient={token.Patient}")).ShouldBeFhir();
        documents.GetProperty("entry").GetArrayLength().Should().Be(1);
        var attachment = documents.GetProperty("entry")[0].GetProperty("resource").GetProperty("content")[0].GetProperty("attachment");
        attachment.GetProperty("size").GetInt64().Should().Be(upload.Length);
        var binary = await portalClient.GetAsync(new Uri(new Uri(app.BaseUrl, "/fhir/r4/"), attachment.GetProperty("url").GetString()));
        binary.StatusCode.Should().Be(HttpStatusCode.OK);
        (await binary.Content.ReadAsByteArrayAsync()).Should().Equal(upload);
        // Each FHIR read is in the patient's access log, under the portal's name.
        var log = await (await patient.Client.GetAsync($"/api/access-logs/{patient.Id}?pageSize=100")).ReadAs<PageAnswer<AccessLogEntryAnswer>>();
        log.Items.Should().Contain(entry => entry.Action == "file-downloaded" && entry.ActorName == $"{patient.FullName} via {BrowserApp.PortalName}");
        log.Items.Should().Contain(entry => entry.Action == "records-viewed" && entry.ActorName.EndsWith(" via " + BrowserApp.PortalName, StringComparison.Ordinal));

        // The patient finds the portal under Connected apps and revokes it: the portal's next call is refused.
        await ui.GotoAsync("/account", "Account");
        var connected = ui.Main.GetByRole(AriaRole.List, new() { Name = "Connected apps" });
        await Expect(connected).ToContainTextAsync(BrowserApp.PortalName);
        await Expect(connected).ToContainTextAsync("Read all of your records");
        await connected.GetByRole(AriaRole.Button, new() { Name = $"Revoke {BrowserApp.PortalName}" }).ClickAsync();
        await ui.Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(ui.Main.GetByText("No app is connected to your account.", new() { Exact = false })).ToBeVisibleAsync();
        (await portalClient.GetAsync("/connect/userinfo")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        await (await portalClient.GetAsync($"/fhir/r4/Patient/{token.Patient}")).ShouldBeOutcome(HttpStatusCode.Unauthorized);
        ui.AssertNoScriptProblems();
    }

    [Fact]
    public async Task NewPatient_RegistersDuringTheRequest_AndComesBackToConsent()
    {
        await using var ui = await app.NewSessionAsync(Viewport.Phone);

        await ui.Page.GotoAsync(Portal.AuthorizeUrl("openid patient/*.rs", OAuthFlow.Pkce.Create()));
        await ui.Main.GetByRole(AriaRole.Link, new() { Name = "Create an account" }).ClickAsync();
        await Expect(ui.Main.GetByRole(AriaRole.Heading, new() { Name = "Create your MediVault account", Level = 1 })).ToBeVisibleAsync();
        await ui.Main.GetByLabel("Full name").FillAsync("Ines Duarte");
        await ui.Main.GetByLabel("Email").FillAsync(Api.NewEmail("patient"));
        await ui.Main.GetByLabel("Password").FillAsync(Api.StrongPassword);
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();

        await Expect(ui.Page.GetByRole(AriaRole.Heading, new() { Name = $"Allow {BrowserApp.PortalName} to use your MediVault account?" }))
            .ToBeVisibleAsync();
        await Expect(ui.Page.GetByRole(AriaRole.Main)).ToContainTextAsync("Signed in as Ines Duarte.");
    }

    [Fact]
    public async Task Deny_SendsAccessDeniedToThePortal()
    {
        var patient = await app.Seed.RegisterPatient("Omar Aziz");
        await using var ui = await app.NewSessionAsync(Viewport.Phone);
        await ui.Page.RouteAsync("https://portal.example/**", route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 200,
            ContentType = "text/html",
            Body = "<!doctype html><title>Portal</title><h1>Portal</h1>",
        }));
        await ui.SignInAsync(patient.Email, patient.Password, "Welcome, Omar Aziz");

        // Already signed in: straight to the consent screen.
        await ui.Page.GotoAsync(Portal.AuthorizeUrl("openid patient/*.rs", OAuthFlow.Pkce.Create()));
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Deny" }).ClickAsync();
        await ui.Page.WaitForURLAsync(BrowserApp.PortalRedirectUri + "?**");

        var received = OAuthFlow.Received(new Uri(ui.Page.Url));
        received["error"].Should().Be("access_denied");
        received.Should().NotContainKey("code");
    }
}
