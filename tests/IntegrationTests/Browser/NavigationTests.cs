using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MediVault.IntegrationTests.Browser;

/// <summary>
/// The menu at every width: below 768 px a "Menu" button opens every destination (one tap away, nothing scrolling
/// sideways); from 768 px the side bar shows them all. The signed-out header keeps its two buttons on one line.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class NavigationTests(BrowserApp app)
{
    private static readonly string[] PatientDestinations =
        ["Dashboard", "Records", "Emergency profile", "QR codes", "Sharing", "Access log", "Ledger", "Account"];

    public static TheoryData<string> Widths() =>
        new() { Viewport.SmallPhone.Name, Viewport.Phone.Name, Viewport.Tablet.Name, Viewport.Desktop.Name };

    private static Viewport ByName(string name) =>
        new[] { Viewport.SmallPhone, Viewport.Phone, Viewport.Tablet, Viewport.Desktop }.Single(v => v.Name == name);

    [Theory]
    [MemberData(nameof(Widths))]
    public async Task EveryDestination_IsOneTapAway_AndNothingScrollsSideways(string width)
    {
        var viewport = ByName(width);
        var patient = await app.Seed.RegisterPatient("Leila Haddad");
        await using var ui = await app.NewSessionAsync(viewport);

        await ui.GotoAsync("/", "Your medical records, safe and in your hands.");
        var signIn = ui.Page.GetByRole(AriaRole.Banner).GetByRole(AriaRole.Link, new() { Name = "Sign in" });
        var create = ui.Page.GetByRole(AriaRole.Banner).GetByRole(AriaRole.Link, new() { Name = "Create account" });
        var signInBox = (await signIn.BoundingBoxAsync())!;
        var createBox = (await create.BoundingBoxAsync())!;
        createBox.Y.Should().BeApproximately(signInBox.Y, 1, "both buttons sit on one line");
        createBox.Height.Should().BeLessThan(40, "\"Create account\" must not wrap onto two lines");
        await ui.AssertFitsViewportAsync("landing");

        await ui.SignInAsync(patient.Email, patient.Password, "Welcome, Leila Haddad");
        var nav = ui.Page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        var menu = ui.Page.GetByRole(AriaRole.Button, new() { Name = "Menu" });
        var phoneWidth = viewport.Width < 768;

        foreach (var destination in PatientDestinations)
        {
            if (phoneWidth)
            {
                await Expect(nav).ToBeHiddenAsync();
                await menu.ClickAsync();
                await Expect(menu).ToHaveAttributeAsync("aria-expanded", "true");
            }
            else
            {
                await Expect(menu).ToBeHiddenAsync();
            }
            await ui.AssertFitsViewportAsync($"the menu before {destination}");
            var link = nav.GetByRole(AriaRole.Link, new() { Name = destination, Exact = true });
            await Expect(link).ToBeInViewportAsync();
            await link.ClickAsync();
            await Expect(ui.Main.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
            await Expect(ui.Page.Locator("#app-nav a[aria-current='page']")).ToHaveTextAsync(destination); // hidden again on a phone
        }

        if (phoneWidth)
        {
            await menu.ClickAsync();
            await ui.Page.Keyboard.PressAsync("Escape");
            await Expect(nav).ToBeHiddenAsync();
            await Expect(menu).ToBeFocusedAsync();
        }
        await ui.SignOutAsync();
        await Expect(ui.Main.GetByRole(AriaRole.Heading, new() { Name = "Sign in to MediVault" })).ToBeVisibleAsync();
        ui.AssertNoScriptProblems();
    }
}
