using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MediVault.IntegrationTests.Browser;

/// <summary>
/// Passkeys in the browser (issue 15), with Chromium's own virtual authenticator (DevTools protocol: a CTAP2 platform
/// authenticator with resident keys and user verification): added on the Account page, then the only thing used to
/// sign in. The page is served as http://localhost, because Chromium refuses WebAuthn on an IP address.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class PasskeyJourneyTests(BrowserApp app)
{
    /// <summary>Gives the page a platform authenticator that says yes, with a verified user, without a prompt.</summary>
    private static async Task AddVirtualAuthenticatorAsync(UiSession ui)
    {
        var devTools = await ui.Context.NewCDPSessionAsync(ui.Page);
        await devTools.SendAsync("WebAuthn.enable", new Dictionary<string, object> { ["enableUI"] = false });
        await devTools.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        });
    }

    private static async Task AddPasskeyAsync(UiSession ui, string name)
    {
        await ui.GotoAsync("/account", "Account");
        await ui.Main.GetByLabel("Passkey name").FillAsync(name);
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Add a passkey" }).ClickAsync();
        await Expect(ui.Main.GetByText("Passkey added.")).ToBeVisibleAsync();
        await Expect(ui.Main.GetByRole(AriaRole.List, new() { Name = "Passkeys" }).GetByText(name, new() { Exact = true })).ToBeVisibleAsync();
    }

    private static async Task SignInWithPasskeyAsync(UiSession ui, string expectedHeading)
    {
        await ui.GotoAsync("/sign-in", "Sign in to MediVault");
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await Expect(ui.Main.GetByRole(AriaRole.Heading, new() { Name = expectedHeading, Level = 1 })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Patient_AddsAPasskeyOnTheAccountPage_SignsOut_AndSignsInWithThePasskeyAlone()
    {
        var patient = await app.Seed.RegisterPatient("Riya Sen");
        await using var ui = await app.NewSessionAsync(Viewport.Phone, app.LocalhostUrl);
        await AddVirtualAuthenticatorAsync(ui);
        await ui.SignInAsync(patient.Email, patient.Password, "Welcome, Riya Sen");

        await AddPasskeyAsync(ui, "My phone");
        await ui.AssertAccessibleAsync("account-with-passkey");
        await ui.AssertFitsViewportAsync("account-with-passkey");
        await ui.SignOutAsync();

        await SignInWithPasskeyAsync(ui, "Welcome, Riya Sen");
        ui.AssertNoScriptProblems();
    }

    [Fact]
    public async Task Doctor_WithTwoFactor_SignsInWithAPasskey_WithoutTheCodeStep_AndRemovesIt()
    {
        var doctor = await app.Seed.RegisterDoctor("Dr. Neel Kapoor");
        await using var ui = await app.NewSessionAsync(Viewport.Desktop, app.LocalhostUrl);
        await AddVirtualAuthenticatorAsync(ui);
        await ui.SignInAsync(doctor.Email, doctor.Password, "My patients", doctor.AuthenticatorKey);

        await AddPasskeyAsync(ui, "Clinic laptop");
        await ui.SignOutAsync();
        await SignInWithPasskeyAsync(ui, "My patients");

        // Removing it: confirmed, then gone; the sign-in page then finds no passkey that works.
        await ui.GotoAsync("/account", "Account");
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Remove passkey Clinic laptop" }).ClickAsync();
        await ui.Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await Expect(ui.Main.GetByText("No passkey yet.", new() { Exact = false })).ToBeVisibleAsync();
        await ui.SignOutAsync();
        await ui.GotoAsync("/sign-in", "Sign in to MediVault");
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await Expect(ui.Main.GetByText("That passkey could not sign you in.", new() { Exact = false })).ToBeVisibleAsync();
        ui.AssertNoScriptProblems();
    }
}
