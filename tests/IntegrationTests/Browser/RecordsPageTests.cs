using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MediVault.IntegrationTests.Browser;

/// <summary>The records page beyond the happy path: refused uploads, a cancelled upload, filters, deleting.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class RecordsPageTests(BrowserApp app)
{
    [Fact]
    public async Task Upload_RefusedFiles_ExplainWhy()
    {
        var patient = await app.Seed.RegisterPatient("Imran Qureshi");
        await using var ui = await app.NewSessionAsync(Viewport.Phone);
        await ui.SignInAsync(patient.Email, patient.Password, "Welcome, Imran Qureshi");
        await ui.GotoAsync("/records", "Records");
        var picker = ui.Main.GetByLabel("Drop a file here, or choose one");
        var upload = ui.Main.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true });

        await picker.SetInputFilesAsync(new FilePayload { Name = "setup.exe", MimeType = "application/octet-stream", Buffer = "MZ\u0090\0\u0003"u8.ToArray() });
        await upload.ClickAsync();
        await Expect(ui.Main.GetByRole(AriaRole.Alert)).ToContainTextAsync("setup.exe is not a type MediVault accepts");

        await picker.SetInputFilesAsync(new FilePayload { Name = "scan.pdf", MimeType = "application/pdf", Buffer = SampleFiles.Pdf(BrowserApp.MaxUploadBytes + 512 * 1024) });
        await upload.ClickAsync();
        await Expect(ui.Main.GetByRole(AriaRole.Alert)).ToContainTextAsync("scan.pdf is too large");

        (await SeedApi.CountFiles(patient)).Should().Be(0);
        ui.AssertNoScriptProblems();
    }

    [Fact]
    public async Task Upload_Cancelled_ShowsRealProgressAndStoresNothing()
    {
        var patient = await app.Seed.RegisterPatient("Lena Fischer");
        await using var ui = await app.NewSessionAsync(Viewport.Desktop);
        await ui.SignInAsync(patient.Email, patient.Password, "Welcome, Lena Fischer");
        await ui.GotoAsync("/records", "Records");
        // A slow uplink (about 256 KB/s), so the upload is still under way when the person cancels it.
        var devtools = await ui.Context.NewCDPSessionAsync(ui.Page);
        await devtools.SendAsync("Network.enable");
        await devtools.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
        {
            ["offline"] = false,
            ["latency"] = 20,
            ["downloadThroughput"] = -1,
            ["uploadThroughput"] = 256 * 1024,
        });
        var progress = ui.Main.GetByRole(AriaRole.Progressbar, new() { Name = "Upload progress" });

        await ui.Main.GetByLabel("Drop a file here, or choose one").SetInputFilesAsync(
            new FilePayload { Name = "mri.pdf", MimeType = "application/pdf", Buffer = SampleFiles.Pdf(3_000_000) });
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();
        await Expect(ui.Main.GetByText(new System.Text.RegularExpressions.Regex(@"^[1-9]\d?% · "))).ToBeVisibleAsync();
        var partial = int.Parse(await progress.GetAttributeAsync("value") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Cancel upload" }).ClickAsync();

        await Expect(ui.Main.GetByText("Upload cancelled. Nothing was stored.")).ToBeVisibleAsync();
        partial.Should().BeInRange(1, 99, "the bar follows the bytes actually sent");
        await Expect(ui.Main.GetByText("Your vault is empty. Upload your first record above.")).ToBeVisibleAsync();
        (await SeedApi.CountFiles(patient)).Should().Be(0);
    }

    [Fact]
    public async Task List_FilterSearchAndDelete_WorkOnTheServersAnswers()
    {
        var patient = await app.Seed.RegisterPatient("Noor Haddad");
        await SeedApi.UploadFile(patient, "lipid-panel.pdf", SampleFiles.Pdf(9_000, 1), "lab-report");
        await SeedApi.UploadFile(patient, "chest-xray.pdf", SampleFiles.Pdf(9_000, 2), "imaging");
        await SeedApi.UploadFile(patient, "<img src=x onerror=alert(1)>.pdf", SampleFiles.Pdf(9_000, 3), "other");
        await using var ui = await app.NewSessionAsync(Viewport.Desktop);
        await ui.SignInAsync(patient.Email, patient.Password, "Welcome, Noor Haddad");
        await ui.GotoAsync("/records", "Records");
        var files = ui.Main.GetByRole(AriaRole.List, new() { Name = "Files" }).GetByRole(AriaRole.Listitem);
        await Expect(files).ToHaveCountAsync(3);
        // A file name that looks like markup is shown as text, and runs nothing.
        await Expect(files.Filter(new() { HasText = "<img src=x onerror=alert(1)>" })).ToHaveCountAsync(1);
        (await ui.Main.Locator("img[src=x]").CountAsync()).Should().Be(0);

        await ui.Main.GetByRole(AriaRole.Search).GetByLabel("Category").SelectOptionAsync("imaging");
        await Expect(files).ToHaveCountAsync(1);
        await Expect(files).ToContainTextAsync("chest-xray.pdf");

        await ui.Main.GetByRole(AriaRole.Search).GetByLabel("Category").SelectOptionAsync("");
        await ui.Main.GetByRole(AriaRole.Searchbox, new() { Name = "Search" }).FillAsync("lipid");
        await ui.Main.GetByRole(AriaRole.Search).GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(files).ToHaveCountAsync(1);
        await Expect(files).ToContainTextAsync("lipid-panel.pdf");

        await files.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        var dialog = ui.Page.GetByRole(AriaRole.Dialog, new() { Name = "Delete this file?" });
        await Expect(dialog).ToContainTextAsync("lipid-panel.pdf");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(files).ToHaveCountAsync(1);
        await files.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete file" }).ClickAsync();

        await Expect(ui.Main.GetByText("No files match this filter.")).ToBeVisibleAsync();
        (await SeedApi.CountFiles(patient)).Should().Be(2);
        ui.AssertNoScriptProblems();
    }
}
