using System.Text;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MediVault.IntegrationTests.Browser;

/// <summary>One person's browser (its own cookies) on one page, with the checks every page gets.</summary>
public sealed class UiSession : IAsyncDisposable
{
    private readonly List<string> scriptProblems = [];

    public UiSession(IBrowserContext context, IPage page, Viewport viewport)
    {
        Context = context;
        Page = page;
        Viewport = viewport;
        // Failed requests the app expects (401 before sign-in, 404 for "no profile yet") are logged as console errors
        // too; what must never happen is a script error or something the Content-Security-Policy refused.
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
                scriptProblems.Add(message.Text);
        };
        page.PageError += (_, error) => scriptProblems.Add(error);
    }

    public IBrowserContext Context { get; }
    public IPage Page { get; }
    public Viewport Viewport { get; }

    /// <summary>The page's main region (where each route draws).</summary>
    public ILocator Main => Page.Locator("main");

    /// <summary>Opens a route of the web app ("/records") and waits for its heading.</summary>
    public async Task GotoAsync(string route, string heading)
    {
        await Page.GotoAsync($"/#{route}");
        await Expect(Main.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
    }

    public async Task SignInAsync(string email, string password, string expectedHeading)
    {
        await GotoAsync("/sign-in", "Sign in to MediVault");
        await Main.GetByLabel("Email").FillAsync(email);
        await Main.GetByLabel("Password").FillAsync(password);
        await Main.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(Main.GetByRole(AriaRole.Heading, new() { Name = expectedHeading, Level = 1 })).ToBeVisibleAsync();
    }

    /// <summary>Saves a full-page screenshot as {name}-{phone|desktop}.png in the screenshot folder.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        var path = Path.Combine(BrowserApp.ScreenshotDirectory, $"{name}-{Viewport.Name}.png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Animations = ScreenshotAnimations.Disabled });
        return path;
    }

    /// <summary>Runs axe-core on the page as it is now and fails on any serious or critical violation.</summary>
    public async Task AssertAccessibleAsync(string pageName)
    {
        var result = await Page.RunAxe();
        var blocking = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        if (blocking.Count == 0)
            return;

        var report = new StringBuilder($"Accessibility violations on {pageName} ({Viewport.Name}):");
        foreach (var violation in blocking)
        {
            report.Append("\n- ").Append(violation.Impact).Append(' ').Append(violation.Id).Append(": ").Append(violation.Help);
            foreach (var node in violation.Nodes.Take(5))
                report.Append("\n    ").Append(node.Html);
        }
        blocking.Select(v => v.Id).Should().BeEmpty(report.ToString());
    }

    /// <summary>No uncaught script error and nothing blocked by the Content-Security-Policy so far.</summary>
    public void AssertNoScriptProblems() =>
        scriptProblems.Should().BeEmpty("the page must run without script errors and within its Content-Security-Policy");

    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}
