using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MediVault.IntegrationTests.Browser;

/// <summary>
/// The access log for people: records named for their owner, the device in words, filters kept in the URL, the CSV
/// download of what the filters select, a table that fits at 1280 px and cards on a phone.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class AccessLogPageTests(BrowserApp app)
{
    private async Task<(Person Patient, Person Doctor)> ArrangeLog()
    {
        var patient = await app.Seed.RegisterPatient("Ananya Kapoor");
        var doctor = await app.Seed.RegisterDoctor("Dr. Vikram Sen");
        await SeedApi.UploadFile(patient, "lipid-profile-2026.pdf", SampleFiles.Pdf(20_000, 3), "lab-report");
        await SeedApi.GenerateQrCode(patient, "Gym bag");
        await SeedApi.GrantAccess(patient, doctor);
        await SeedApi.UploadFile(patient, "ecg-report.pdf", SampleFiles.Pdf(20_000, 4), "imaging", uploader: doctor);
        return (patient, doctor);
    }

    [Fact]
    public async Task Desktop_NamesRecords_FiltersInTheUrl_AndDownloadsTheFilteredCsv()
    {
        var (patient, _) = await ArrangeLog();
        await using var ui = await app.NewSessionAsync(Viewport.Desktop);
        await ui.SignInAsync(patient.Email, patient.Password, "Welcome, Ananya Kapoor");
        await ui.GotoAsync("/access-log", "Access log");

        var table = ui.Main.GetByRole(AriaRole.Table, new() { Name = "Access log entries" });
        await Expect(table.GetByRole(AriaRole.Row).Filter(new() { HasText = "lipid-profile-2026.pdf" })).ToContainTextAsync("File uploaded");
        await Expect(table.GetByRole(AriaRole.Row).Filter(new() { HasText = "Gym bag" })).ToContainTextAsync("QR code generated");
        await Expect(table.GetByRole(AriaRole.Row).Filter(new() { HasText = "Access granted" })).ToContainTextAsync("Dr. Vikram Sen");
        await Expect(table.GetByRole(AriaRole.Row).Filter(new() { HasText = "Signed in" }).First).ToContainTextAsync("Headless Chrome on Linux");
        await Expect(table).Not.ToContainTextAsync("Mozilla/5.0");
        var region = ui.Main.GetByRole(AriaRole.Region, new() { Name = "Access log entries" });
        var clipped = await region.EvaluateAsync<bool>("el => el.scrollWidth > el.clientWidth + 1");
        clipped.Should().BeFalse("no column may be cut off at 1280 px");

        await ui.Main.GetByLabel("Who").SelectOptionAsync("doctor");
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await Expect(ui.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"#/access-log\?actorRole=doctor$"));
        var rows = table.Locator("tbody tr");
        await Expect(rows.Filter(new() { HasText = "ecg-report.pdf" })).ToContainTextAsync("Dr. Vikram Sen");
        await Expect(rows.Filter(new() { HasNotText = "Doctor" })).ToHaveCountAsync(0);

        await ui.Page.ReloadAsync();
        await Expect(ui.Main.GetByLabel("Who")).ToHaveValueAsync("doctor");
        await Expect(rows.Filter(new() { HasText = "Lipid" })).ToHaveCountAsync(0);

        var download = await ui.Page.RunAndWaitForDownloadAsync(() =>
            ui.Main.GetByRole(AriaRole.Link, new() { Name = "Download these entries (CSV)" }).ClickAsync());
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        download.SuggestedFilename.Should().EndWith(".csv");
        var lines = csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().StartWith("When (UTC),Action,Who,Role");
        lines.Skip(1).Should().NotBeEmpty().And.OnlyContain(line => line.Contains(",doctor,", StringComparison.Ordinal));
        lines.Should().Contain(line => line.Contains("ecg-report.pdf", StringComparison.Ordinal));

        // A date range that ends before it starts is refused at the field, before anything is sent.
        await ui.Main.GetByLabel("From (UTC day)").FillAsync("2026-12-05");
        await ui.Main.GetByLabel("To (UTC day)").FillAsync("2026-12-01");
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await Expect(ui.Main.GetByLabel("To (UTC day)")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(ui.Main.GetByText("The end date must be on or after the start date.")).ToBeVisibleAsync();
        await Expect(ui.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"#/access-log\?actorRole=doctor$"));

        await ui.Main.GetByRole(AriaRole.Link, new() { Name = "Clear filters" }).ClickAsync();
        await Expect(rows.Filter(new() { HasText = "lipid-profile-2026.pdf" })).ToHaveCountAsync(1);
        ui.AssertNoScriptProblems();
    }

    [Fact]
    public async Task Phone_ShowsCards_ThatFitTheScreen()
    {
        var (patient, _) = await ArrangeLog();
        await using var ui = await app.NewSessionAsync(Viewport.SmallPhone);
        await ui.SignInAsync(patient.Email, patient.Password, "Welcome, Ananya Kapoor");
        await ui.GotoAsync("/access-log?outcome=success", "Access log");

        var cards = ui.Main.GetByRole(AriaRole.List, new() { Name = "Access log entries" }).GetByRole(AriaRole.Listitem);
        await Expect(cards.Filter(new() { HasText = "lipid-profile-2026.pdf" })).ToContainTextAsync("Allowed");
        await Expect(ui.Main.GetByRole(AriaRole.Table)).ToBeHiddenAsync();
        await Expect(ui.Main.GetByLabel("Outcome")).ToHaveValueAsync("success");
        await ui.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await ui.AssertFitsViewportAsync("access log cards");
        await ui.AssertAccessibleAsync("access log cards");
        ui.AssertNoScriptProblems();
    }
}
