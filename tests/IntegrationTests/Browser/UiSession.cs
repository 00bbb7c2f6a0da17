using System.Text;
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

    /// <summary>Signs in on the sign-in page; with <paramref name="authenticatorKey"/>, also types a fresh code in the second step.</summary>
    public async Task SignInAsync(string email, string password, string expectedHeading, string? authenticatorKey = null)
    {
        await GotoAsync("/sign-in", "Sign in to MediVault");
        await Main.GetByLabel("Email").FillAsync(email);
        await Main.GetByLabel("Password").FillAsync(password);
        await Main.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        if (authenticatorKey is not null)
            await EnterTwoFactorCodeAsync(Infrastructure.Authenticator.Code(authenticatorKey));
        await Expect(Main.GetByRole(AriaRole.Heading, new() { Name = expectedHeading, Level = 1 })).ToBeVisibleAsync();
    }

    /// <summary>The sign-in's second step: types the code and confirms.</summary>
    public async Task EnterTwoFactorCodeAsync(string code)
    {
        await Expect(Main.GetByRole(AriaRole.Heading, new() { Name = "Two-factor sign-in", Level = 1 })).ToBeVisibleAsync();
        await Main.GetByLabel("Code", new() { Exact = true }).FillAsync(code);
        await Main.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
    }

    /// <summary>
    /// With MEDIVAULT_SCREENSHOTS=1, saves a full-page screenshot as {name}-{viewport}.png (<see cref="Screenshots"/>) and
    /// answers its path; otherwise does nothing and answers null.
    /// </summary>
    public async Task<string?> ScreenshotAsync(string name)
    {
        if (!Screenshots.Enabled)
            return null;
        var path = Path.Combine(Screenshots.DirectoryFor(Viewport), $"{name}-{Viewport.Name}.png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Animations = ScreenshotAnimations.Disabled });
        return path;
    }

    /// <summary>Runs axe-core on the page as it is now and fails on any violation, whatever its impact.</summary>
    public async Task AssertAccessibleAsync(string pageName)
    {
        var violations = await RunAxeAsync();
        if (violations.Count == 0)
            return;

        var report = new StringBuilder($"Accessibility violations on {pageName} ({Viewport.Name}):");
        foreach (var violation in violations)
        {
            report.Append("\n- ").Append(violation.Impact).Append(' ').Append(violation.Id).Append(": ").Append(violation.Help);
            foreach (var html in violation.Nodes)
                report.Append("\n    ").Append(html);
        }
        violations.Select(v => v.Id).Should().BeEmpty(report.ToString());
    }

    /// <summary>
    /// axe-core (the copy inside Deque.AxeCore.Commons), with every rule it runs by default, in the page itself and not in
    /// its frames (the only frame is the PDF preview's, the browser's own viewer, which no scan covers). Deque's Playwright
    /// runner (<c>Page.RunAxe</c>), which every page also passed, finished each scan in a new blank page: about 2 s a scan
    /// against 30–150 ms for the scan itself (docs/testing.md). It is injected through the DevTools protocol, which the page's
    /// Content-Security-Policy does not apply to, and again after every navigation.
    /// </summary>
    private async Task<List<AxeViolation>> RunAxeAsync()
    {
        if (!await Page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
            await Page.EvaluateAsync(AxeSource.Value);
        var result = await Page.EvaluateAsync<System.Text.Json.JsonElement>(RunAxeScript);
        return [.. result.EnumerateArray().Select(v => new AxeViolation(
            v.GetProperty("id").GetString()!,
            v.GetProperty("impact").GetString(),
            v.GetProperty("help").GetString()!,
            [.. v.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()!)]))];
    }

    private const string RunAxeScript = """
        async () => (await axe.run(document, { iframes: false })).violations.map(v => ({
          id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.html) }))
        """;

    private static readonly Lazy<string> AxeSource = new(() =>
    {
        using var stream = typeof(Deque.AxeCore.Commons.AxeResult).Assembly
            .GetManifestResourceStream("Deque.AxeCore.Commons.Resources.axe.min.js")
            ?? throw new InvalidOperationException("Deque.AxeCore.Commons no longer carries axe.min.js as a resource.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    private sealed record AxeViolation(string Id, string? Impact, string Help, IReadOnlyList<string> Nodes);

    /// <summary>
    /// Fails when the page is wider than the viewport (something would scroll sideways), or when an element's content
    /// spills out of its own box (text wider than its card) without the element choosing to scroll or clip it.
    /// </summary>
    public async Task AssertFitsViewportAsync(string pageName)
    {
        var problems = await Page.EvaluateAsync<string[]>(FitsViewportScript);
        problems.Should().BeEmpty($"{pageName} must fit a {Viewport.Width} px wide viewport without sideways scrolling or overflowing text");
    }

    private const string FitsViewportScript = """
        () => {
          const problems = [];
          const width = document.documentElement.clientWidth;
          if (document.documentElement.scrollWidth > width + 1)
            problems.push(`the page is ${document.documentElement.scrollWidth}px wide in a ${width}px viewport`);
          const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
            (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\s+/).slice(0, 3).join('.') : '') +
            ' "' + (el.textContent || '').trim().slice(0, 40) + '"';
          for (const el of document.querySelectorAll('body *')) {
            if (el.closest('[hidden], dialog:not([open]), #print-root, svg')) continue;
            const style = getComputedStyle(el);
            if (style.display === 'none' || style.display === 'inline' || style.display === 'contents') continue;
            if (style.position === 'fixed' || style.visibility === 'hidden') continue;
            const rect = el.getBoundingClientRect();
            if (rect.width === 0 || rect.height === 0) continue;
            if (rect.right > width + 1 && !el.closest('.overflow-x-auto, .overflow-hidden, .truncate, .sr-only'))
              problems.push(`${describe(el)} reaches ${Math.round(rect.right)}px`);
            else if (style.overflowX === 'visible' && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0 &&
                     !el.closest('.overflow-x-auto, .sr-only'))
              problems.push(`${describe(el)} overflows its box (${el.scrollWidth}px in ${el.clientWidth}px)`);
          }
          return problems.slice(0, 10);
        }
        """;

    /// <summary>Signs out with the header's button, or on a phone with the one in the menu.</summary>
    public async Task SignOutAsync()
    {
        var menu = Page.GetByRole(AriaRole.Button, new() { Name = "Menu" });
        if (await menu.IsVisibleAsync())
            await menu.ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        // Signing out ends with the app drawing the sign-in page itself once the server has answered (nothing else
        // leads there from a signed-in page). Waiting for that keeps a following step from typing into a form this late
        // redraw would then replace. (Not the "You are signed out." toast: one from an earlier sign-out may still show.)
        await Expect(Main.GetByRole(AriaRole.Heading, new() { Name = "Sign in to MediVault", Level = 1 })).ToBeVisibleAsync();
    }

    /// <summary>No uncaught script error and nothing blocked by the Content-Security-Policy so far.</summary>
    public void AssertNoScriptProblems() =>
        scriptProblems.Should().BeEmpty("the page must run without script errors and within its Content-Security-Policy");

    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}
