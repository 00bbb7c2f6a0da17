using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using MediVault.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MediVault.IntegrationTests.Browser;

/// <summary>The data rights on the Account page: download everything, and delete the account after a confirmation.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class AccountPageTests(BrowserApp app)
{
    [Fact]
    public async Task DownloadMyData_AfterThePassword_SavesTheZip()
    {
        var patient = await app.Seed.RegisterPatient("Farah Siddiqui");
        await SeedApi.UploadFile(patient, "thyroid-panel.pdf", SampleFiles.Pdf(12_000, 4), "lab-report");
        await using var ui = await app.NewSessionAsync(Viewport.Desktop);
        await ui.SignInAsync(patient.Email, patient.Password, "Welcome, Farah Siddiqui");
        await ui.GotoAsync("/account", "Account");
        var form = ui.Main.GetByRole(AriaRole.Form, new() { Name = "Download my data" });

        await form.GetByRole(AriaRole.Button, new() { Name = "Download my data" }).ClickAsync();
        await Expect(form.GetByText("Enter your password to confirm it is you.")).ToBeVisibleAsync();
        await form.GetByLabel("Password to download", new() { Exact = true }).FillAsync("not-the-password");
        await form.GetByRole(AriaRole.Button, new() { Name = "Download my data" }).ClickAsync();
        await Expect(form.GetByText("The password is not correct.")).ToBeVisibleAsync();
        await form.GetByLabel("Password to download", new() { Exact = true }).FillAsync(patient.Password);
        var download = await ui.Page.RunAndWaitForDownloadAsync(() =>
            form.GetByRole(AriaRole.Button, new() { Name = "Download my data" }).ClickAsync());

        download.SuggestedFilename.Should().StartWith("medivault-export-").And.EndWith(".zip");
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".zip");
        await download.SaveAsAsync(path);
        using (var archive = ZipFile.OpenRead(path))
            archive.Entries.Select(e => e.FullName).Should().Contain(["README.txt", "files/thyroid-panel.pdf"]);
        File.Delete(path);
        ui.AssertNoScriptProblems();
    }

    [Fact]
    public async Task DeleteMyAccount_AfterPasswordAndConfirmation_SignsOutForGood()
    {
        var patient = await app.Seed.RegisterPatient("Tomas Novak");
        await SeedApi.UploadFile(patient, "ecg.pdf", SampleFiles.Pdf(9_000, 5), "lab-report");
        await using var ui = await app.NewSessionAsync(Viewport.Phone);
        await ui.SignInAsync(patient.Email, patient.Password, "Welcome, Tomas Novak");
        await ui.GotoAsync("/account", "Account");
        var form = ui.Main.GetByRole(AriaRole.Form, new() { Name = "Delete my account" });
        await form.GetByLabel("Password to delete", new() { Exact = true }).FillAsync(patient.Password);

        await form.GetByRole(AriaRole.Button, new() { Name = "Delete my account" }).ClickAsync();
        var dialog = ui.Page.GetByRole(AriaRole.Dialog, new() { Name = "Delete your account for good?" });
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        (await SeedApi.CountFiles(patient)).Should().Be(1, "cancelling deletes nothing");
        await form.GetByRole(AriaRole.Button, new() { Name = "Delete my account" }).ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete for good" }).ClickAsync();

        await Expect(ui.Main.GetByRole(AriaRole.Heading, new() { Name = "Sign in to MediVault", Level = 1 })).ToBeVisibleAsync();
        using var anonymous = new HttpClient { BaseAddress = app.BaseUrl };
        (await anonymous.PostAsJsonAsync("/api/auth/login", new { email = patient.Email, password = patient.Password }))
            .StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        ui.AssertNoScriptProblems();
    }
}
