using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MediVault.IntegrationTests.Browser;

/// <summary>The whole story of the product, as a patient, a first responder and a doctor live it in the browser.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class JourneyTests(BrowserApp app)
{
    [Fact]
    public async Task PatientAndDoctor_RecordsEmergencyCardAndSharing_WorkEndToEnd()
    {
        var patient = await app.Seed.RegisterPatient("Sakshi Verma");
        var doctor = await app.Seed.RegisterDoctor("Dr. Arjun Sharma");
        var report = SampleFiles.Pdf(1_500_000);
        await using var ui = await app.NewSessionAsync(Viewport.Desktop);

        // The patient signs in.
        await ui.SignInAsync(patient.Email, patient.Password, "Welcome, Sakshi Verma");

        // Uploads a PDF, watches the progress bar finish, and sees it listed and verified.
        await ui.GotoAsync("/records", "Records");
        await ui.Main.GetByLabel("Drop a file here, or choose one").SetInputFilesAsync(
            new FilePayload { Name = "blood-panel.pdf", MimeType = "application/pdf", Buffer = report });
        await ui.Main.GetByLabel("Category").First.SelectOptionAsync("lab-report");
        await ui.Main.GetByLabel("Description").FillAsync("Annual blood panel");
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();
        await Expect(ui.Main.GetByRole(AriaRole.Progressbar, new() { Name = "Upload progress" })).ToHaveAttributeAsync("value", "100");
        await Expect(ui.Main.GetByText("Upload complete: blood-panel.pdf (Lab report).")).ToBeVisibleAsync();
        var listed = FileItem(ui, "blood-panel.pdf");
        await Expect(listed).ToContainTextAsync("Annual blood panel");
        await Expect(listed).ToContainTextAsync("✓ Verified");

        // Downloads it: the same bytes come back.
        var download = await ui.Page.RunAndWaitForDownloadAsync(() => listed.GetByRole(AriaRole.Link, new() { Name = "Download" }).ClickAsync());
        download.SuggestedFilename.Should().Be("blood-panel.pdf");
        (await File.ReadAllBytesAsync((await download.PathAsync())!)).Should().Equal(report);

        // Edits the emergency profile: a bad phone number is refused inline, then the profile is saved.
        await ui.GotoAsync("/emergency-profile", "Emergency profile");
        await ui.Main.GetByLabel("Date of birth").FillAsync("1990-05-14");
        await ui.Main.GetByLabel("Blood type").SelectOptionAsync("O+");
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Add allergy" }).ClickAsync();
        await ui.Main.GetByLabel("Substance").FillAsync("Penicillin");
        await ui.Main.GetByLabel("Severity").SelectOptionAsync("severe");
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Add contact" }).ClickAsync();
        await ui.Main.GetByLabel("Name", new() { Exact = true }).FillAsync("Ravi Verma");
        await ui.Main.GetByLabel("Relationship").FillAsync("Brother");
        var phone = ui.Main.GetByLabel("Phone");
        await phone.FillAsync("call my brother");
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Save profile" }).ClickAsync();
        await Expect(phone).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(ui.Main.Locator("#emergencyContacts-0-phone-error")).ToBeVisibleAsync();
        await phone.FillAsync("+91 98765 43210");
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Save profile" }).ClickAsync();
        await Expect(ui.Main.GetByText("Your emergency profile is saved.")).ToBeVisibleAsync();
        await Expect(phone).Not.ToHaveAttributeAsync("aria-invalid", "true");

        // Generates a QR code; a first responder without any session opens it and sees the allergy.
        await ui.GotoAsync("/qr-codes", "QR codes");
        await ui.Main.GetByLabel("Label (optional)").FillAsync("Wallet card");
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Generate QR code" }).ClickAsync();
        await Expect(ui.Main.GetByRole(AriaRole.Img, new() { Name = "Emergency QR code" })).ToBeVisibleAsync();
        var accessUrl = await ui.Main.GetByLabel("Emergency link").InputValueAsync();
        accessUrl.Should().StartWith(new Uri(app.BaseUrl, "/emergency#t=").ToString(), "the printed link keeps the token in the fragment");

        await using var responder = await app.NewSessionAsync(Viewport.Phone);
        await responder.Page.GotoAsync(accessUrl);
        await Expect(responder.Page.GetByRole(AriaRole.Heading, new() { Name = "Sakshi Verma" })).ToBeVisibleAsync();
        await Expect(responder.Page.GetByText("Penicillin")).ToBeVisibleAsync();
        (await responder.Context.CookiesAsync()).Should().BeEmpty("the first responder has no account and no session");

        // Revokes the code; the emergency page now says so.
        var code = ui.Main.GetByRole(AriaRole.List, new() { Name = "QR codes" }).GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Wallet card" });
        await code.GetByRole(AriaRole.Button, new() { Name = "Revoke Wallet card" }).ClickAsync();
        await ui.Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revoke code" }).ClickAsync();
        await Expect(code).ToContainTextAsync("Revoked");
        await responder.Page.ReloadAsync();
        await Expect(responder.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("no longer works");
        await Expect(responder.Page.GetByText("Penicillin")).Not.ToBeVisibleAsync();

        // Grants the doctor access.
        await ui.GotoAsync("/sharing", "Sharing");
        await ui.Main.GetByLabel("Doctor's email").FillAsync(doctor.Email);
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Grant access" }).ClickAsync();
        var grant = ui.Main.GetByRole(AriaRole.List, new() { Name = "Access grants" }).GetByRole(AriaRole.Listitem).Filter(new() { HasText = doctor.Email });
        await Expect(grant).ToContainTextAsync("Active");

        // The doctor signs in, opens the patient, reads the profile and uploads a prescription.
        await using var doctorUi = await app.NewSessionAsync(Viewport.Desktop);
        await doctorUi.SignInAsync(doctor.Email, doctor.Password, "My patients", doctor.AuthenticatorKey);
        await doctorUi.Main.GetByRole(AriaRole.Link, new() { Name = "Open records of Sakshi Verma" }).ClickAsync();
        await Expect(doctorUi.Main.GetByRole(AriaRole.Heading, new() { Name = "Sakshi Verma", Level = 1 })).ToBeVisibleAsync();
        await Expect(doctorUi.Main.GetByText("Penicillin")).ToBeVisibleAsync();
        await Expect(FileItem(doctorUi, "blood-panel.pdf")).ToBeVisibleAsync();
        await doctorUi.Main.GetByLabel("Drop a file here, or choose one").SetInputFilesAsync(
            new FilePayload { Name = "amoxicillin.pdf", MimeType = "application/pdf", Buffer = SampleFiles.Pdf(20_000, seed: 11) });
        await doctorUi.Main.GetByRole(AriaRole.Button, new() { Name = "Upload to patient's vault" }).ClickAsync();
        await Expect(doctorUi.Main.GetByText("Upload complete: amoxicillin.pdf (Prescription).")).ToBeVisibleAsync();
        await Expect(FileItem(doctorUi, "amoxicillin.pdf")).ToBeVisibleAsync();

        // The patient sees the prescription in the vault and the doctor's access in the log.
        await ui.GotoAsync("/records", "Records");
        await Expect(FileItem(ui, "amoxicillin.pdf")).ToContainTextAsync("Added by Dr. Arjun Sharma");
        await ui.GotoAsync("/access-log", "Access log");
        var doctorRows = ui.Main.GetByRole(AriaRole.Row).Filter(new() { HasText = "Dr. Arjun Sharma" });
        await Expect(doctorRows.Filter(new() { HasText = "File uploaded" }).First).ToContainTextAsync("Doctor");
        await Expect(doctorRows.Filter(new() { HasText = "Emergency profile viewed" }).First).ToBeVisibleAsync();

        // The patient revokes the doctor's access; the doctor's list of patients no longer shows her.
        await ui.GotoAsync("/sharing", "Sharing");
        await grant.GetByRole(AriaRole.Button, new() { Name = "Revoke access for Dr. Arjun Sharma" }).ClickAsync();
        await ui.Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revoke access" }).ClickAsync();
        await Expect(ui.Page.GetByText("Access for Dr. Arjun Sharma revoked.")).ToBeVisibleAsync();
        await Expect(grant).ToContainTextAsync("Revoked");
        await doctorUi.GotoAsync("/doctor", "My patients");
        await Expect(doctorUi.Main.GetByText("No patient has shared records with you yet.", new() { Exact = false })).ToBeVisibleAsync();

        ui.AssertNoScriptProblems();
        responder.AssertNoScriptProblems();
        doctorUi.AssertNoScriptProblems();
    }

    private static ILocator FileItem(UiSession ui, string fileName) =>
        ui.Main.GetByRole(AriaRole.List, new() { Name = "Files" }).GetByRole(AriaRole.Listitem).Filter(new() { HasText = fileName });
}
