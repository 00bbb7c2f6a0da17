using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MediVault.IntegrationTests.Browser;

/// <summary>
/// Forms that guide: the server's rules checked first at the fields, in plain words; the server's own `errors` shown
/// at the same fields; never a success and an error at once; no stale message left behind.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class FormsTests(BrowserApp app)
{
    [Fact]
    public async Task EmergencyProfile_ChecksRowsFirst_AndAnErrorReplacesTheEarlierSuccess()
    {
        var patient = await app.Seed.RegisterPatient("Farah Siddiqui");
        await using var ui = await app.NewSessionAsync(Viewport.Phone);
        await ui.SignInAsync(patient.Email, patient.Password, "Welcome, Farah Siddiqui");
        await ui.GotoAsync("/emergency-profile", "Emergency profile");
        var requests = 0;
        ui.Page.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/emergency-profile/", StringComparison.Ordinal) && request.Method != "GET")
                requests++;
        };

        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Add contact" }).ClickAsync();
        await ui.Main.GetByLabel("Phone").FillAsync("12");
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Save profile" }).ClickAsync();

        await Expect(ui.Main.GetByLabel("Name", new() { Exact = true })).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(ui.Main.GetByText("Enter the name.")).ToBeVisibleAsync();
        await Expect(ui.Main.GetByText("Enter the relationship.")).ToBeVisibleAsync();
        await Expect(ui.Main.Locator("#emergencyContacts-0-phone-error")).ToContainTextAsync("3 to 15 digits");
        await Expect(ui.Main.GetByLabel("Name", new() { Exact = true })).ToBeFocusedAsync();
        requests.Should().Be(0, "nothing is sent while a field is wrong");

        await ui.Main.GetByLabel("Name", new() { Exact = true }).FillAsync("Imran Siddiqui");
        await ui.Main.GetByLabel("Relationship").FillAsync("Brother");
        await ui.Main.GetByLabel("Phone").FillAsync("+91 98111 22334");
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Save profile" }).ClickAsync();
        await Expect(ui.Main.GetByText("Your emergency profile is saved.", new() { Exact = false })).ToBeVisibleAsync();
        await Expect(ui.Main.Locator("[aria-invalid=true]")).ToHaveCountAsync(0);
        await Expect(ui.Page.Locator("#toast-region")).ToContainTextAsync("Emergency profile saved.");

        await ui.Main.GetByLabel("Date of birth").FillAsync("2999-01-01");
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Save profile" }).ClickAsync();
        await Expect(ui.Main.GetByText("The date of birth cannot be in the future.")).ToBeVisibleAsync();
        await Expect(ui.Main.GetByText("Your emergency profile is saved.", new() { Exact = false })).ToHaveCountAsync(0);
        await Expect(ui.Page.Locator("#toast-region")).ToBeEmptyAsync();
        requests.Should().Be(1);
        ui.AssertNoScriptProblems();
    }

    [Fact]
    public async Task Sharing_AFieldErrorIsGoneAfterTheNextSuccess()
    {
        var patient = await app.Seed.RegisterPatient("Rohan Mehta");
        var doctor = await app.Seed.RegisterDoctor("Dr. Nisha Bose");
        await using var ui = await app.NewSessionAsync(Viewport.Desktop);
        await ui.SignInAsync(patient.Email, patient.Password, "Welcome, Rohan Mehta");
        await ui.GotoAsync("/sharing", "Sharing");
        var email = ui.Main.GetByLabel("Doctor's email");

        await email.FillAsync("not-an-email");
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Grant access" }).ClickAsync();
        await Expect(email).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(ui.Main.GetByText("Enter an email address, like doctor@example.com.")).ToBeVisibleAsync();

        await email.FillAsync(doctor.Email);
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Grant access" }).ClickAsync();
        await Expect(ui.Main.GetByText("Dr. Nisha Bose can now see your records", new() { Exact = false })).ToBeVisibleAsync();
        await Expect(email).Not.ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(ui.Main.GetByText("Enter an email address, like doctor@example.com.")).ToBeHiddenAsync();
        await Expect(ui.Main.GetByRole(AriaRole.Alert)).ToHaveCountAsync(0);
        ui.AssertNoScriptProblems();
    }

    [Fact]
    public async Task Account_APasswordErrorReplacesTheDetailsSuccess_AndServerErrorsLandAtTheirField()
    {
        var patient = await app.Seed.RegisterPatient("Grace Okafor");
        await using var ui = await app.NewSessionAsync(Viewport.Desktop);
        await ui.SignInAsync(patient.Email, patient.Password, "Welcome, Grace Okafor");
        await ui.GotoAsync("/account", "Account");

        await ui.Main.GetByLabel("Full name").FillAsync("Grace A. Okafor");
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(ui.Main.GetByText("Your details are saved.")).ToBeVisibleAsync();

        await ui.Main.GetByLabel("Current password").FillAsync(patient.Password);
        await ui.Main.GetByLabel("New password").FillAsync("short");
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(ui.Main.GetByText("Use at least 8 characters.")).ToBeVisibleAsync();
        await Expect(ui.Main.GetByText("Your details are saved.")).ToHaveCountAsync(0);

        // The server's own message for a field, in its API spelling, is shown at that field in plain words.
        await ui.Page.RouteAsync("**/api/auth/me", route => route.Request.Method == "GET"
            ? route.ContinueAsync()
            : route.FulfillAsync(new RouteFulfillOptions
            {
                Status = 400,
                ContentType = "application/problem+json",
                Body = """{"status":400,"title":"One or more validation errors occurred.","errors":{"fullName":["fullName must be at most 200 characters."]}}""",
            }));
        await ui.Main.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(ui.Main.GetByLabel("Full name")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(ui.Main.GetByText("Use at most 200 characters.")).ToBeVisibleAsync();
        await Expect(ui.Main.GetByText("Use at least 8 characters.")).ToBeVisibleAsync();
        await Expect(ui.Main.GetByRole(AriaRole.Alert)).ToHaveCountAsync(1);
        ui.AssertNoScriptProblems();
    }
}
