using System.Net;
using System.Text.RegularExpressions;
using MediVault.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MediVault.IntegrationTests.Browser;

/// <summary>The emergency page as a first responder's phone shows it, in the shared headless Chromium.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class EmergencyPageBrowserTests(BrowserApp app) : IAsyncLifetime
{
    private readonly Api api = new(app.Factory);
    private UiSession phone = null!;

    private IPage Page => phone.Page;

    public async Task InitializeAsync() => phone = await app.NewSessionAsync(Viewport.Phone);

    public async Task DisposeAsync() => await phone.DisposeAsync();

    [Fact]
    public async Task Page_ValidCode_ShowsTheProfileWithSevereAllergiesFirstAndCallableContacts()
    {
        var patient = await api.RegisterPatient("Sakshi Verma");
        await patient.SaveProfile();
        var code = await patient.GenerateQr();

        await Page.GotoAsync(new Uri(code.AccessUrl).PathAndQuery);

        await Expect(Page.Locator("#patient-name")).ToHaveTextAsync("Sakshi Verma");
        await Expect(Page.Locator("#blood-type")).ToHaveTextAsync("O+");
        var allergies = Page.Locator("#allergies > li");
        await Expect(allergies).ToHaveCountAsync(2);
        await Expect(allergies.Nth(0)).ToHaveClassAsync("severe");
        await Expect(allergies.Nth(0)).ToContainTextAsync("Penicillin");
        await Expect(allergies.Nth(0)).ToContainTextAsync("Severe");
        await Expect(allergies.Nth(1)).ToContainTextAsync("Dust");
        await Expect(allergies.Nth(1)).Not.ToHaveClassAsync("severe");
        var contacts = Page.Locator("#contacts > li");
        await Expect(contacts).ToHaveCountAsync(1);
        await Expect(contacts).ToContainTextAsync("Ravi Verma");
        await Expect(contacts.Locator("a[href='tel:+919876543210']")).ToBeVisibleAsync();
        await Expect(Page.Locator("#expires-at")).ToHaveTextAsync(new Regex("^This code is valid until"));
        await Expect(Page.Locator("#problem")).ToBeHiddenAsync();
        phone.AssertNoScriptProblems();
    }

    [Fact]
    public async Task Page_MarkupInTheProfile_IsShownAsText()
    {
        var patient = await api.RegisterPatient("<b>Bold</b> Patient");
        await patient.SaveProfile(new { conditions = new[] { new { name = "<img src=x onerror=alert(1)>" } } });
        var code = await patient.GenerateQr();

        await Page.GotoAsync($"/emergency/{code.Token}");

        await Expect(Page.Locator("#patient-name")).ToHaveTextAsync("<b>Bold</b> Patient");
        await Expect(Page.Locator("#patient-name b")).ToHaveCountAsync(0);
        await Expect(Page.Locator("#conditions > li")).ToContainTextAsync("<img src=x onerror=alert(1)>");
        await Expect(Page.Locator("#conditions img")).ToHaveCountAsync(0);
        phone.AssertNoScriptProblems();
    }

    [Fact]
    public async Task Page_RevokedCode_SaysSo()
    {
        var patient = await api.RegisterPatient();
        var code = await patient.GenerateQr();
        (await patient.Client.DeleteAsync($"/api/qr/{code.Id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        await Page.GotoAsync($"/emergency/{code.Token}");

        await Expect(Page.Locator("#problem-title")).ToHaveTextAsync("This emergency code no longer works");
        await Expect(Page.Locator("#problem-detail")).ToContainTextAsync("revoked");
        await Expect(Page.Locator("#profile")).ToBeHiddenAsync();
        phone.AssertNoScriptProblems();
    }

    [Fact]
    public async Task Page_UnknownCode_SaysItIsNotRecognised()
    {
        await Page.GotoAsync("/emergency/w82Opd903Y0Wfto5iA1zTEXU1fS_MEUMiYz_ZVrWwHs");

        await Expect(Page.Locator("#problem-title")).ToHaveTextAsync("Unknown emergency code");
        await Expect(Page.Locator("#profile")).ToBeHiddenAsync();
        phone.AssertNoScriptProblems();
    }
}
