using MediVault.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MediVault.IntegrationTests.Browser;

/// <summary>
/// Account recovery and two-factor sign-in in the browser (issue 15): a forgotten password reset from the email in the
/// pickup folder, and a new doctor's forced two-factor setup with a code computed by the test's authenticator.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class AccountSecurityJourneyTests(BrowserApp app)
{
    [Fact]
    public async Task ForgotPassword_EmailLink_Reset_ThenSignInWithTheNewPassword()
    {
        var patient = await app.Seed.RegisterPatient("Meera Iyer");
        await using var ui = await app.NewSessionAsync(Viewport.Phone);

        await ui.GotoAsync("/sign-in", "Sign in to MediVault");
        await ui.Main.GetByRole(AriaRole.Link, new() { Name = "Forgot password?" }).ClickAsync();
        await Expect(ui.Main.GetByRole(AriaRole.Heading, new() { Name = "Forgot your password?" })).ToBeVisibleAsync();
        await ui.Main.GetByLabel("Email").FillAsync(patient.Email);
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Send reset link" }).ClickAsync();
        await Expect(ui.Main.GetByText("If an account has this email, a reset link is on its way.")).ToBeVisibleAsync();

        var (url, token) = MailPickup.ResetLink(await MailPickup.WaitForMessageAsync(app.Factory.DataDirectory, patient.Email));
        await ui.Page.GotoAsync(url);
        await Expect(ui.Main.GetByRole(AriaRole.Heading, new() { Name = "Choose a new password", Level = 1 })).ToBeVisibleAsync();
        ui.Page.Url.Should().NotContain(token, "the page takes the token out of the address bar and history");
        await ui.AssertAccessibleAsync("reset-password");
        await ui.AssertFitsViewportAsync("reset-password");
        await ui.Main.GetByLabel("New password", new() { Exact = true }).FillAsync("Fresh-Garden-Passphrase-31");
        await ui.Main.GetByLabel("New password again").FillAsync("Fresh-Garden-Passphrase-31");
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Set new password" }).ClickAsync();

        await Expect(ui.Main.GetByText("Your password is changed. Sign in with the new one.")).ToBeVisibleAsync();
        await ui.SignInAsync(patient.Email, "Fresh-Garden-Passphrase-31", "Welcome, Meera Iyer");
        ui.AssertNoScriptProblems();
    }

    [Fact]
    public async Task NewDoctor_IsLedToTwoFactorSetup_ScansTheKey_GetsRecoveryCodes_AndSignsInWithACode()
    {
        await using var ui = await app.NewSessionAsync(Viewport.Desktop);
        var email = Api.NewEmail("dr.kavya");

        // Registers as a doctor: the first sign-in leads to the two-factor setup, and nowhere else.
        await ui.GotoAsync("/register", "Create your MediVault account");
        await ui.Main.GetByLabel("Doctor").CheckAsync();
        await ui.Main.GetByLabel("Full name").FillAsync("Dr. Kavya Rao");
        await ui.Main.GetByLabel("Email").FillAsync(email);
        await ui.Main.GetByLabel("Password").FillAsync(Api.StrongPassword);
        await ui.Main.GetByLabel("Licence number").FillAsync("MCI-2024-77812");
        await ui.Main.GetByLabel("Specialty").FillAsync("Paediatrics");
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(ui.Main.GetByRole(AriaRole.Heading, new() { Name = "Set up two-factor sign-in", Level = 1 })).ToBeVisibleAsync();
        await Expect(ui.Main.GetByRole(AriaRole.Img, new() { Name = "QR code for your authenticator app" })).ToBeVisibleAsync();
        await ui.Page.GotoAsync("/#/doctor");
        await Expect(ui.Main.GetByRole(AriaRole.Heading, new() { Name = "Set up two-factor sign-in", Level = 1 })).ToBeVisibleAsync();

        // Types the key into "the app" and confirms with its code.
        var key = await ui.Main.GetByLabel("Key for your authenticator app").InnerTextAsync();
        await ui.Main.GetByLabel("Code from the app").FillAsync(Authenticator.Code(key));
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Turn on two-factor sign-in" }).ClickAsync();
        await Expect(ui.Main.GetByRole(AriaRole.List, new() { Name = "Recovery codes" }).GetByRole(AriaRole.Listitem)).ToHaveCountAsync(10);
        await ui.AssertAccessibleAsync("two-factor-recovery-codes");
        await ui.AssertFitsViewportAsync("two-factor-recovery-codes");
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "I have saved them: continue" }).ClickAsync();
        await Expect(ui.Main.GetByRole(AriaRole.Heading, new() { Name = "My patients", Level = 1 })).ToBeVisibleAsync();

        // Signs out, and in again: the password, then a code.
        await ui.SignOutAsync();
        await ui.SignInAsync(email, Api.StrongPassword, "My patients", key);

        // The Account page says it is on.
        await ui.GotoAsync("/account", "Account");
        await Expect(ui.Main.GetByText("On. 10 of 10 recovery codes left.")).ToBeVisibleAsync();
        ui.AssertNoScriptProblems();
    }

    [Fact]
    public async Task CodeStep_WrongCode_SaysSo_AndTheRightOneSignsIn()
    {
        var doctor = await app.Seed.RegisterDoctor("Dr. Farhan Ali");
        await using var ui = await app.NewSessionAsync(Viewport.SmallPhone);
        await ui.GotoAsync("/sign-in", "Sign in to MediVault");
        await ui.Main.GetByLabel("Email").FillAsync(doctor.Email);
        await ui.Main.GetByLabel("Password").FillAsync(doctor.Password);
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        var wrong = Authenticator.CurrentCode(doctor.AuthenticatorKey!) == "000000" ? "111111" : "000000";
        await ui.EnterTwoFactorCodeAsync(wrong);
        await Expect(ui.Main.GetByText("That code is not correct.")).ToBeVisibleAsync();
        await ui.EnterTwoFactorCodeAsync(Authenticator.Code(doctor.AuthenticatorKey!));
        await Expect(ui.Main.GetByRole(AriaRole.Heading, new() { Name = "My patients", Level = 1 })).ToBeVisibleAsync();
        ui.AssertNoScriptProblems();
    }
}
