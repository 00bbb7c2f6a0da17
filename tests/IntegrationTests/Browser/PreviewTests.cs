using MediVault.TestSupport;
using MediVault.WebApi.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MediVault.IntegrationTests.Browser;

/// <summary>
/// The in-app preview (issue 15): a PDF in Chromium's own viewer inside a frame of a blob: URL, an image drawn from a
/// blob: URL, text shown as text (markup and scripts in it stay characters), a DICOM file's study details — all under
/// the page's Content-Security-Policy, with the download at hand.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class PreviewTests(BrowserApp app)
{
    [Theory]
    [InlineData("desktop")]
    [InlineData("phone")]
    public async Task Pdf_OpensInTheBrowsersViewer_InAFrameThePolicyAllows(string viewportName)
    {
        var patient = await app.Seed.RegisterPatient("Mei Tanaka");
        await SeedApi.UploadFile(patient, "referral.pdf", SampleRecordsSeeder.SamplePdf("Referral", "Cardiology, routine"), "other");
        await using var ui = await app.NewSessionAsync(viewportName == "phone" ? Viewport.Phone : Viewport.Desktop);
        await ui.SignInAsync(patient.Email, patient.Password, "Welcome, Mei Tanaka");
        await ui.GotoAsync("/records", "Records");

        await FileRow(ui, "referral.pdf").GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();

        var dialog = ui.Page.GetByRole(AriaRole.Dialog, new() { Name = "Preview: referral.pdf" });
        var frame = dialog.Locator("iframe[title='PDF preview of referral.pdf']");
        await Expect(frame).ToBeVisibleAsync();
        (await frame.GetAttributeAsync("src")).Should().StartWith("blob:");
        (await frame.GetAttributeAsync("sandbox")).Should().BeNull("Chromium shows no PDF in a sandboxed frame (decision 75)");
        var document = await (await frame.ElementHandleAsync()).ContentFrameAsync();
        document.Should().NotBeNull();
        (await document!.EvaluateAsync<string>("() => document.contentType")).Should().Be("application/pdf");
        (await ViewerOf(document)).Should().NotBeNull("Chromium's PDF viewer runs in the frame");
        (await dialog.GetByRole(AriaRole.Link, new() { Name = "Download" }).GetAttributeAsync("href")).Should().StartWith("/api/files/download/");
        await ui.AssertFitsViewportAsync("PDF preview");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        ui.AssertNoScriptProblems();
    }

    [Fact]
    public async Task ImagesAndText_OpenInTheApp_TextStaysText()
    {
        var patient = await app.Seed.RegisterPatient("Mei Tanaka");
        await SeedApi.UploadFile(patient, "wrist-x-ray.png", SampleRecordsSeeder.SamplePng(0x50), "imaging");
        await SeedApi.UploadFile(patient, "notes.txt",
            System.Text.Encoding.UTF8.GetBytes("Ferritin low.\n<script>document.title='pwned'</script><b>bold</b><img src=x onerror=alert(1)>"), "other");
        await using var ui = await app.NewSessionAsync(Viewport.Phone);
        await ui.SignInAsync(patient.Email, patient.Password, "Welcome, Mei Tanaka");
        await ui.GotoAsync("/records", "Records");

        await FileRow(ui, "wrist-x-ray.png").GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        var dialog = ui.Page.GetByRole(AriaRole.Dialog, new() { Name = "Preview: wrist-x-ray.png" });
        var image = dialog.GetByRole(AriaRole.Img, new() { Name = "Preview of wrist-x-ray.png" });
        await Expect(image).ToBeVisibleAsync();
        (await image.GetAttributeAsync("src")).Should().StartWith("blob:");
        (await image.EvaluateAsync<int>("img => img.naturalWidth")).Should().Be(96, "the PNG itself was decoded");
        await ui.AssertAccessibleAsync("image preview");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();

        await FileRow(ui, "notes.txt").GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        var text = ui.Page.GetByRole(AriaRole.Dialog, new() { Name = "Preview: notes.txt" });
        await Expect(text.Locator("pre")).ToContainTextAsync("<script>document.title='pwned'</script><b>bold</b><img src=x onerror=alert(1)>");
        await Expect(text.Locator("pre script, pre b, pre img")).ToHaveCountAsync(0);
        (await ui.Page.TitleAsync()).Should().NotBe("pwned");
        await ui.Page.Keyboard.PressAsync("Escape");
        await Expect(text).ToBeHiddenAsync();
        ui.AssertNoScriptProblems();
    }

    [Fact]
    public async Task Dicom_ShowsTheStudyDetailsAndADownload_AndADamagedOneSaysWhatIsWrong()
    {
        var patient = await app.Seed.RegisterPatient("Mei Tanaka");
        var study = Dcmtk.Write(Dcmtk.ChestCt, "+te");
        await SeedApi.UploadFile(patient, "thorax.dcm", study, "imaging");
        await SeedApi.UploadFile(patient, "cut.dcm", study[..(study.AsSpan().IndexOf(StudyDescriptionTag) + 12)], "imaging");
        await using var ui = await app.NewSessionAsync(Viewport.SmallPhone);
        await ui.SignInAsync(patient.Email, patient.Password, "Welcome, Mei Tanaka");
        await ui.GotoAsync("/records", "Records");

        await FileRow(ui, "thorax.dcm").GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();

        var dialog = ui.Page.GetByRole(AriaRole.Dialog, new() { Name = "Preview: thorax.dcm" });
        var details = dialog.Locator("dl");
        await Expect(details).ToContainTextAsync("CT (computed tomography)");
        await Expect(details).ToContainTextAsync("Thorax CT — low dose");
        await Expect(details).ToContainTextAsync("Axial 1.25 mm");
        await Expect(details).ToContainTextAsync("6 × 4 pixels");
        await Expect(details).ToContainTextAsync("Mar 14, 2025");
        await Expect(dialog).Not.ToContainTextAsync("Verma");
        var download = dialog.GetByRole(AriaRole.Link, new() { Name = "Download" });
        (await download.GetAttributeAsync("download")).Should().Be("thorax.dcm");
        var saved = await ui.Page.RunAndWaitForDownloadAsync(() => download.ClickAsync());
        (await File.ReadAllBytesAsync((await saved.PathAsync())!)).Should().Equal(study);
        await ui.AssertAccessibleAsync("DICOM preview");
        await ui.AssertFitsViewportAsync("DICOM preview");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();

        await FileRow(ui, "cut.dcm").GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        var damaged = ui.Page.GetByRole(AriaRole.Dialog, new() { Name = "Preview: cut.dcm" });
        await Expect(damaged.GetByRole(AriaRole.Alert)).ToContainTextAsync("The DICOM data is damaged");
        await Expect(damaged.GetByRole(AriaRole.Link, new() { Name = "Download" })).ToBeVisibleAsync();
        ui.AssertNoScriptProblems();
    }

    /// <summary>The built-in viewer: Chromium draws a PDF document through its PDF extension, in a child frame of the document.</summary>
    private static async Task<IFrame?> ViewerOf(IFrame pdfDocument)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (Descendants(pdfDocument).FirstOrDefault(f => f.Url.StartsWith("chrome-extension://", StringComparison.Ordinal)) is { } viewer)
                return viewer;
            await Task.Delay(200);
        }
        return null;
    }

    private static IEnumerable<IFrame> Descendants(IFrame frame) => frame.ChildFrames.SelectMany(child => Descendants(child).Prepend(child));

    private static readonly byte[] StudyDescriptionTag = [0x08, 0x00, 0x30, 0x10];

    private static ILocator FileRow(UiSession ui, string fileName) =>
        ui.Main.GetByRole(AriaRole.List, new() { Name = "Files" }).GetByRole(AriaRole.Listitem).Filter(new() { HasText = fileName });
}
