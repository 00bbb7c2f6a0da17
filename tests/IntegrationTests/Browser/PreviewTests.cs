using MediVault.WebApi.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MediVault.IntegrationTests.Browser;

/// <summary>
/// The in-app preview (issue 15): an image drawn from a blob: URL under the page's policy, text shown as text (markup
/// in it stays characters), and no preview offered for types the app does not show itself.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class PreviewTests(BrowserApp app)
{
    [Fact]
    public async Task ImagesAndText_OpenInTheApp_TextStaysText()
    {
        var patient = await app.Seed.RegisterPatient("Mei Tanaka");
        await SeedApi.UploadFile(patient, "wrist-x-ray.png", SampleRecordsSeeder.SamplePng(0x50), "imaging");
        await SeedApi.UploadFile(patient, "notes.txt", System.Text.Encoding.UTF8.GetBytes("Ferritin low.\n<b>bold</b><img src=x onerror=alert(1)>"), "other");
        await SeedApi.UploadFile(patient, "referral.pdf", SampleFiles.Pdf(20_000, 9), "other");
        await using var ui = await app.NewSessionAsync(Viewport.Phone);
        await ui.SignInAsync(patient.Email, patient.Password, "Welcome, Mei Tanaka");
        await ui.GotoAsync("/records", "Records");
        var files = ui.Main.GetByRole(AriaRole.List, new() { Name = "Files" }).GetByRole(AriaRole.Listitem);

        await files.Filter(new() { HasText = "wrist-x-ray.png" }).GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        var dialog = ui.Page.GetByRole(AriaRole.Dialog, new() { Name = "Preview: wrist-x-ray.png" });
        var image = dialog.GetByRole(AriaRole.Img, new() { Name = "Preview of wrist-x-ray.png" });
        await Expect(image).ToBeVisibleAsync();
        (await image.GetAttributeAsync("src")).Should().StartWith("blob:");
        (await image.EvaluateAsync<int>("img => img.naturalWidth")).Should().Be(96, "the PNG itself was decoded");
        await ui.AssertAccessibleAsync("image preview");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();

        await files.Filter(new() { HasText = "notes.txt" }).GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        var text = ui.Page.GetByRole(AriaRole.Dialog, new() { Name = "Preview: notes.txt" });
        await Expect(text.Locator("pre")).ToContainTextAsync("<b>bold</b><img src=x onerror=alert(1)>");
        await Expect(text.Locator("pre b, pre img")).ToHaveCountAsync(0);
        await ui.Page.Keyboard.PressAsync("Escape");
        await Expect(text).ToBeHiddenAsync();

        await Expect(files.Filter(new() { HasText = "referral.pdf" }).GetByRole(AriaRole.Button, new() { Name = "Preview" })).ToHaveCountAsync(0);
        ui.AssertNoScriptProblems();
    }
}
