using MediVault.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MediVault.IntegrationTests.Browser;

/// <summary>Signing in and registering in the browser, and what a person is told when it fails.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class SignInPageTests(BrowserApp app)
{
    [Fact]
    public async Task Register_Doctor_AsksForLicenceAndSpecialty_ThenForTwoFactorSetup()
    {
        await using var ui = await app.NewSessionAsync(Viewport.Desktop);
        await ui.GotoAsync("/register", "Create your MediVault account");

        await ui.Main.GetByLabel("Doctor").CheckAsync();
        await ui.Main.GetByLabel("Full name").FillAsync("Dr. Meera Iyer");
        await ui.Main.GetByLabel("Email").FillAsync(Api.NewEmail("doctor"));
        await ui.Main.GetByLabel("Password").FillAsync(Api.StrongPassword);
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(ui.Main.GetByText("Enter your licence number.")).ToBeVisibleAsync();
        await ui.Main.GetByLabel("Licence number").FillAsync("MCI-204518");
        await ui.Main.GetByLabel("Specialty").FillAsync("Cardiology");
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();

        // Doctors must use two-factor sign-in: the portal opens after the setup (AccountSecurityJourneyTests).
        await Expect(ui.Main.GetByRole(AriaRole.Heading, new() { Name = "Set up two-factor sign-in", Level = 1 })).ToBeVisibleAsync();
        await Expect(ui.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        ui.AssertNoScriptProblems();
    }

    [Fact]
    public async Task SignIn_WrongPassword_SaysSoWithoutSigningIn()
    {
        var patient = await app.Seed.RegisterPatient("Asha Rao");
        await using var ui = await app.NewSessionAsync(Viewport.Desktop);
        await ui.GotoAsync("/sign-in", "Sign in to MediVault");

        await ui.Main.GetByLabel("Email").FillAsync(patient.Email);
        await ui.Main.GetByLabel("Password").FillAsync("not-the-password");
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(ui.Main.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The email or password is not correct.");
        await Expect(ui.Main.GetByLabel("Password")).ToHaveValueAsync("");
        (await ui.Context.CookiesAsync()).Should().NotContain(c => c.Name == "mv_session");
        ui.AssertNoScriptProblems();
    }

    [Fact]
    public async Task SignIn_RepeatedFailures_SaysTheAccountIsLocked()
    {
        var patient = await app.Seed.RegisterPatient("Asha Rao");
        await using var ui = await app.NewSessionAsync(Viewport.Desktop);
        await ui.GotoAsync("/sign-in", "Sign in to MediVault");
        var alert = ui.Main.GetByRole(AriaRole.Alert);

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await ui.Main.GetByLabel("Email").FillAsync(patient.Email);
            await ui.Main.GetByLabel("Password").FillAsync($"wrong-{attempt}");
            await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Expect(ui.Main.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeEnabledAsync();
        }

        await Expect(alert).ToContainTextAsync("locked");
    }

    [Fact]
    public async Task SignIn_RateLimited_ShowsRetryAfterAndWaits()
    {
        await using var ui = await app.NewSessionAsync(Viewport.Phone);
        // The server's limiter is switched off for tests; this answer is exactly what it sends when it trips.
        await ui.Page.RouteAsync("**/api/auth/login", route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 429,
            ContentType = "application/problem+json",
            Headers = new Dictionary<string, string> { ["Retry-After"] = "42" },
            Body = """{"status":429,"title":"Too Many Requests","detail":"Too many requests."}""",
        }));
        await ui.GotoAsync("/sign-in", "Sign in to MediVault");

        await ui.Main.GetByLabel("Email").FillAsync("someone@example.com");
        await ui.Main.GetByLabel("Password").FillAsync("whatever-it-is");
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(ui.Main.GetByRole(AriaRole.Status).First).ToContainTextAsync("Too many sign-in attempts");
        await Expect(ui.Main.GetByRole(AriaRole.Status).First).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"in (4[0-2]|3[0-9]) seconds"));
        await Expect(ui.Main.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeDisabledAsync();
    }

    [Fact]
    public async Task SignIn_GoogleLink_ShownOnlyWhenTheServerOffersGoogle()
    {
        await using var ui = await app.NewSessionAsync(Viewport.Desktop);
        await ui.GotoAsync("/sign-in", "Sign in to MediVault");
        await Expect(ui.Main.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await ui.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var withoutGoogle = await ui.Main.GetByRole(AriaRole.Link, new() { Name = "Sign in with Google" }).CountAsync();

        await ui.Page.RouteAsync("**/api/auth/providers", route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 200,
            ContentType = "application/json",
            Body = """{"google":true}""",
        }));
        await ui.Page.ReloadAsync();

        withoutGoogle.Should().Be(0);
        await Expect(ui.Main.GetByRole(AriaRole.Link, new() { Name = "Sign in with Google" })).ToHaveAttributeAsync("href", "/api/auth/google");
    }

    [Fact]
    public async Task SignIn_WithTheKeyboardOnly_SkipsToTheFormAndSignsIn()
    {
        var patient = await app.Seed.RegisterPatient("Tomas Novak");
        await using var ui = await app.NewSessionAsync(Viewport.Desktop);
        await ui.GotoAsync("/sign-in", "Sign in to MediVault");
        var keyboard = ui.Page.Keyboard;

        await keyboard.PressAsync("Tab");
        await Expect(ui.Page.GetByRole(AriaRole.Link, new() { Name = "Skip to main content" })).ToBeFocusedAsync();
        await keyboard.PressAsync("Enter");
        await keyboard.PressAsync("Tab"); // the "Create an account" link in the introduction
        await keyboard.PressAsync("Tab");
        await Expect(ui.Main.GetByLabel("Email")).ToBeFocusedAsync();
        await keyboard.TypeAsync(patient.Email);
        await keyboard.PressAsync("Tab");
        await keyboard.TypeAsync(patient.Password);
        await keyboard.PressAsync("Enter");

        await Expect(ui.Main.GetByRole(AriaRole.Heading, new() { Name = "Welcome, Tomas Novak" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Session_Ended_SendsToSignInAndBack()
    {
        var patient = await app.Seed.RegisterPatient("Priya Nair");
        await using var ui = await app.NewSessionAsync(Viewport.Desktop);
        await ui.SignInAsync(patient.Email, patient.Password, "Welcome, Priya Nair");

        await ui.Context.ClearCookiesAsync(); // the session cookie expires or is revoked elsewhere
        await ui.Page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Records" }).ClickAsync();

        await Expect(ui.Main.GetByRole(AriaRole.Heading, new() { Name = "Sign in to MediVault" })).ToBeVisibleAsync();
        await Expect(ui.Main.GetByText("Your session has ended. Please sign in again.")).ToBeVisibleAsync();
        await ui.Main.GetByLabel("Email").FillAsync(patient.Email);
        await ui.Main.GetByLabel("Password").FillAsync(patient.Password);
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(ui.Main.GetByRole(AriaRole.Heading, new() { Name = "Records", Level = 1 })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Account_RenameAndChangePassword_ThenTheNewPasswordSignsIn()
    {
        var patient = await app.Seed.RegisterPatient("Maria Lopez");
        await using var ui = await app.NewSessionAsync(Viewport.Phone);
        await ui.SignInAsync(patient.Email, patient.Password, "Welcome, Maria Lopez");
        await ui.GotoAsync("/account", "Account");

        await ui.Main.GetByLabel("Full name").FillAsync("Maria López García");
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(ui.Main.GetByText("Your details are saved.")).ToBeVisibleAsync();
        await Expect(ui.Page.GetByRole(AriaRole.Banner)).ToContainTextAsync("Maria López García");

        var current = ui.Main.GetByLabel("Current password");
        await current.FillAsync("not-my-password");
        await ui.Main.GetByLabel("New password").FillAsync("Sunflower-Meadow-2026");
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(current).ToHaveAttributeAsync("aria-invalid", "true");
        await current.FillAsync(patient.Password);
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(ui.Main.GetByText("Your password is changed.", new() { Exact = false })).ToBeVisibleAsync();

        await ui.SignOutAsync();
        await ui.SignInAsync(patient.Email, "Sunflower-Meadow-2026", "Welcome, Maria López García");
        ui.AssertNoScriptProblems();
    }
}
