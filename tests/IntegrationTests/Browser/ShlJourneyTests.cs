using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MediVault.IntegrationTests.Browser;

/// <summary>A SMART Health Link's whole life in the browser: created with a passcode, opened elsewhere, seen, revoked.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ShlJourneyTests(BrowserApp app)
{
    [Fact]
    public async Task PatientSharesALinkWithAPasscode_ViewerOpensIt_PatientSeesWhoAndRevokes()
    {
        var patient = await app.Seed.RegisterPatient("Sakshi Verma");
        await SeedApi.SaveEmergencyProfile(patient);
        await using var ui = await app.NewSessionAsync(Viewport.Desktop);
        await ui.SignInAsync(patient.Email, patient.Password, "Welcome, Sakshi Verma");

        // 1. The patient creates a link with a passcode.
        await ui.GotoAsync("/qr-codes", "QR codes");
        await ui.Main.GetByLabel("Name of the link (optional)").FillAsync("For Dr. Rao");
        await ui.Main.GetByLabel("Passcode (optional)").FillAsync("4711-harbour");
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Create link" }).ClickAsync();
        await Expect(ui.Main.GetByRole(AriaRole.Img, new() { Name = "SMART Health Link QR code" })).ToBeVisibleAsync();
        var viewerUrl = await ui.Main.GetByLabel("Viewer link").InputValueAsync();
        viewerUrl.Should().StartWith(new Uri(app.BaseUrl, "/shl#shlink:/").ToString());

        // 2. and 3. A fresh browser context opens it, gives a name and the passcode, and sees the allergies.
        await using var viewer = await app.NewSessionAsync(Viewport.Phone);
        await viewer.Page.GotoAsync(viewerUrl);
        await viewer.Page.GetByLabel("Your name").FillAsync("Dr. Anil Rao");
        await viewer.Page.GetByLabel("Passcode").FillAsync("wrong-passcode");
        await viewer.Page.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
        await Expect(viewer.Page.Locator("#passcode-error")).ToContainTextAsync("Wrong passcode.");
        await viewer.AssertAccessibleAsync("shl-viewer");
        await viewer.Page.GetByLabel("Passcode").FillAsync("4711-harbour");
        await viewer.Page.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
        await Expect(viewer.Page.Locator("#patient-name")).ToHaveTextAsync("Sakshi Verma");
        await Expect(viewer.Page.Locator("#allergies > li").First).ToContainTextAsync("Penicillin");
        await viewer.AssertAccessibleAsync("shl-viewer-summary");
        await viewer.AssertFitsViewportAsync("shl-viewer-summary");
        viewer.AssertNoScriptProblems();

        // 4. The patient sees who opened it (the page is still open at /qr-codes: reloading it reads the list again).
        await ui.Page.ReloadAsync();
        await Expect(ui.Main.GetByRole(AriaRole.Heading, new() { Name = "QR codes", Level = 1 })).ToBeVisibleAsync();
        var link = ui.Main.GetByRole(AriaRole.List, new() { Name = "SMART Health Links" }).GetByRole(AriaRole.Listitem).Filter(new() { HasText = "For Dr. Rao" });
        await Expect(link).ToContainTextAsync("Opened by Dr. Anil Rao");

        // 5. Revokes it; the viewer, reloaded, says the link is no longer available.
        await link.GetByRole(AriaRole.Button, new() { Name = "Revoke For Dr. Rao" }).ClickAsync();
        await ui.Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revoke link" }).ClickAsync();
        await Expect(link).ToContainTextAsync("Revoked");
        await viewer.Page.ReloadAsync();
        await viewer.Page.GetByLabel("Your name").FillAsync("Dr. Anil Rao");
        await viewer.Page.GetByLabel("Passcode").FillAsync("4711-harbour");
        await viewer.Page.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
        await Expect(viewer.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("no longer available");
        await Expect(viewer.Page.GetByText("Penicillin")).Not.ToBeVisibleAsync();
        ui.AssertNoScriptProblems();
    }
}
