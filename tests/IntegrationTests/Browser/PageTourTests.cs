using MediVault.TestSupport;
using MediVault.WebApi.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MediVault.IntegrationTests.Browser;

/// <summary>
/// Every page, with real data, at 320, 390, 768 and 1280 px: the overflow check at each width, and an axe-core scan that
/// fails on any violation at 320, 390 and 1280 px (<see cref="Viewport.IsAxeScanned"/>). With MEDIVAULT_SCREENSHOTS=1
/// each page is also screenshotted: the phone and desktop shots go straight into docs/screenshots (docs/frontend.md lists them), the others into TestResults/screenshots.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class PageTourTests(BrowserApp app, ITestOutputHelper output)
{
    public static TheoryData<string> Viewports() => new() { Viewport.SmallPhone.Name, Viewport.Phone.Name, Viewport.Tablet.Name, Viewport.Desktop.Name };

    private static Viewport ByName(string name) =>
        new[] { Viewport.SmallPhone, Viewport.Phone, Viewport.Tablet, Viewport.Desktop }.Single(v => v.Name == name);

    [Theory]
    [MemberData(nameof(Viewports))]
    public async Task EveryPage_HasNoSeriousAccessibilityViolations_AndIsScreenshotted(string viewportName)
    {
        var viewport = ByName(viewportName);
        var (patient, doctor, accessUrl) = await ArrangeVault();
        var shots = new List<string>();

        await using (var visitor = await app.NewSessionAsync(viewport))
        {
            await Visit(visitor, "/", "Your medical records, safe and in your hands.", "landing", shots);
            await Visit(visitor, "/sign-in", "Sign in to MediVault", "sign-in", shots);
            await Visit(visitor, "/register", "Create your MediVault account", "register", shots);
            await Visit(visitor, "/forgot-password", "Forgot your password?", "forgot-password", shots);
            await Visit(visitor, "/reset-password", "Choose a new password", "reset-password", shots);
            await visitor.Page.GotoAsync(accessUrl);
            await Expect(visitor.Page.GetByRole(AriaRole.Heading, new() { Name = patient.FullName })).ToBeVisibleAsync();
            await Check(visitor, "emergency-page", shots);
            visitor.AssertNoScriptProblems();
        }

        await using (var ui = await app.NewSessionAsync(viewport))
        {
            await ui.SignInAsync(patient.Email, patient.Password, $"Welcome, {patient.FullName}");
            await Expect(ui.Main.Locator("canvas")).ToBeVisibleAsync();
            await Check(ui, "dashboard", shots);
            await Visit(ui, "/records", "Records", "records", shots, ui.Main.GetByText("✓ Verified").First);
            await CheckPreview(ui, "blood-panel-2026.pdf", "preview-pdf", shots, d => d.Locator("iframe"));
            await CheckPreview(ui, "thorax-ct.dcm", "preview-dicom", shots, d => d.GetByText("CT (computed tomography)"));
            await Visit(ui, "/emergency-profile", "Emergency profile", "emergency-profile", shots, ui.Main.GetByRole(AriaRole.Button, new() { Name = "Remove allergy 1" }));
            await ui.GotoAsync("/qr-codes", "QR codes");
            await ui.Main.GetByLabel("Label (optional)").FillAsync("Wallet card");
            await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Generate QR code" }).ClickAsync();
            await Expect(ui.Main.GetByRole(AriaRole.Img, new() { Name = "Emergency QR code" })).ToBeVisibleAsync();
            await Check(ui, "qr-codes", shots);
            await CheckWalletCardPrint(ui, shots);
            await Visit(ui, "/sharing", "Sharing", "sharing", shots, ui.Main.GetByText(doctor.Email));
            await Visit(ui, "/access-log", "Access log", "access-log", shots, ui.Main.GetByText("chest-xray-report.pdf").Filter(new() { Visible = true }).First);
            await Visit(ui, "/ledger", "Ledger", "ledger", shots, ui.Main.GetByText("The chain is intact"));
            await Visit(ui, "/account", "Account", "account", shots, ui.Main.GetByText("Off. Turn it on"));
            await Visit(ui, "/two-factor-setup", "Set up two-factor sign-in", "two-factor-setup", shots,
                ui.Main.GetByRole(AriaRole.Img, new() { Name = "QR code for your authenticator app" }));
            ui.AssertNoScriptProblems();
        }

        await using (var doctorUi = await app.NewSessionAsync(viewport))
        {
            await doctorUi.GotoAsync("/sign-in", "Sign in to MediVault");
            await doctorUi.Main.GetByLabel("Email").FillAsync(doctor.Email);
            await doctorUi.Main.GetByLabel("Password").FillAsync(doctor.Password);
            await doctorUi.Main.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
            await Expect(doctorUi.Main.GetByRole(AriaRole.Heading, new() { Name = "Two-factor sign-in", Level = 1 })).ToBeVisibleAsync();
            await Check(doctorUi, "two-factor-sign-in", shots);
            await doctorUi.EnterTwoFactorCodeAsync(Infrastructure.Authenticator.Code(doctor.AuthenticatorKey!));
            await Expect(doctorUi.Main.GetByRole(AriaRole.Heading, new() { Name = "My patients", Level = 1 })).ToBeVisibleAsync();
            await Check(doctorUi, "doctor-patients", shots);
            await doctorUi.Main.GetByRole(AriaRole.Link, new() { Name = $"Open records of {patient.FullName}" }).ClickAsync();
            await Expect(doctorUi.Main.GetByText("Penicillin")).ToBeVisibleAsync();
            await Expect(doctorUi.Main.GetByText("✓ Verified").First).ToBeVisibleAsync();
            await Check(doctorUi, "doctor-patient", shots);
            doctorUi.AssertNoScriptProblems();
        }

        if (Screenshots.Enabled)
        {
            shots.Should().HaveCount(21);
            output.WriteLine($"Wrote {shots.Count} screenshots: {string.Join(", ", shots.Select(Path.GetFileName))}");
        }
    }

    /// <summary>A patient with files, a profile, a code and a doctor who added a prescription.</summary>
    private async Task<(Person Patient, Person Doctor, string AccessUrl)> ArrangeVault()
    {
        var patient = await app.Seed.RegisterPatient("Sakshi Verma");
        var doctor = await app.Seed.RegisterDoctor("Dr. Arjun Sharma");
        await SeedApi.UploadFile(patient, "blood-panel-2026.pdf", SampleRecordsSeeder.SamplePdf("Blood panel", "Ferritin 12 ng/mL (low)"), "lab-report");
        await SeedApi.UploadFile(patient, "thorax-ct.dcm", Dcmtk.Write(Dcmtk.ChestCt, "+te"), "imaging");
        await SeedApi.UploadFile(patient, "chest-xray-report.pdf", SampleFiles.Pdf(410_000, 2), "imaging");
        await SeedApi.UploadFile(patient, "covid-vaccination.pdf", SampleFiles.Pdf(60_000, 3), "vaccination");
        await SeedApi.UploadFile(patient, "discharge-summary.pdf", SampleFiles.Pdf(120_000, 4), "discharge-summary");
        await SeedApi.SaveEmergencyProfile(patient);
        var accessUrl = await SeedApi.GenerateQrCode(patient, "Phone lock screen");
        await SeedApi.GrantAccess(patient, doctor);
        await SeedApi.UploadFile(patient, "amoxicillin-prescription.pdf", SampleFiles.Pdf(30_000, 5), "prescription", uploader: doctor);
        return (patient, doctor, accessUrl);
    }

    private static async Task Visit(UiSession ui, string route, string heading, string name, List<string> shots, ILocator? loaded = null)
    {
        await ui.GotoAsync(route, heading);
        if (loaded is not null)
            await Expect(loaded).ToBeVisibleAsync();
        await Check(ui, name, shots);
    }

    private static async Task Check(UiSession ui, string name, List<string> shots)
    {
        // Data-driven parts (lists, badges, the chart) finish drawing after the heading shows.
        await ui.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        if (ui.Viewport.IsAxeScanned)
            await ui.AssertAccessibleAsync(name);
        await ui.AssertFitsViewportAsync(name);
        await TakeScreenshot(ui, name, shots);
    }

    private static async Task TakeScreenshot(UiSession ui, string name, List<string> shots)
    {
        if (await ui.ScreenshotAsync(name) is { } path)
            shots.Add(path);
    }

    /// <summary>The preview dialog of a file on the records page, checked like a page, then closed.</summary>
    private static async Task CheckPreview(UiSession ui, string fileName, string name, List<string> shots, Func<ILocator, ILocator> loaded)
    {
        await ui.Main.GetByRole(AriaRole.Listitem).Filter(new() { HasText = fileName }).GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        var dialog = ui.Page.GetByRole(AriaRole.Dialog, new() { Name = $"Preview: {fileName}" });
        await Expect(loaded(dialog)).ToBeVisibleAsync();
        // Not "network idle": the PDF viewer never lets the page reach it. The dialog's content is drawn once it shows.
        // No axe scan inside the PDF frame: it holds the browser's own viewer, not our page.
        if (!name.Contains("pdf", StringComparison.Ordinal) && ui.Viewport.IsAxeScanned)
            await ui.AssertAccessibleAsync(name);
        await ui.AssertFitsViewportAsync(name);
        await TakeScreenshot(ui, name, shots);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
    }

    /// <summary>Printing shows the wallet card alone (the print stylesheet hides the app).</summary>
    private static async Task CheckWalletCardPrint(UiSession ui, List<string> shots)
    {
        await ui.Page.EvaluateAsync("() => { window.print = () => {}; }"); // no print dialog in a test
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Print wallet card" }).ClickAsync();
        await ui.Page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        try
        {
            await Expect(ui.Page.Locator("#app-shell")).ToBeHiddenAsync();
            await Expect(ui.Page.Locator("#print-root").GetByRole(AriaRole.Img, new() { Name = "Emergency QR code" })).ToBeVisibleAsync();
            await Expect(ui.Page.Locator("#print-root")).ToContainTextAsync("Medical emergency");
            await TakeScreenshot(ui, "wallet-card-print", shots);
        }
        finally
        {
            await ui.Page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Screen });
        }
    }
}
