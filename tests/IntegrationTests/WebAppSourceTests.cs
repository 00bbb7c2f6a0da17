using System.Text.RegularExpressions;

namespace MediVault.IntegrationTests;

/// <summary>
/// Rules the web app's files must keep so the strict Content-Security-Policy holds and user data stays text:
/// checked on the files themselves, so a regression fails the build's tests before any browser runs.
/// </summary>
public sealed partial class WebAppSourceTests
{
    private static readonly string WebRoot = Path.Combine(RepositoryRoot(), "src", "WebApi", "wwwroot");

    private static IEnumerable<string> Files(string pattern, params string[] excludedFolders) =>
        Directory.EnumerateFiles(WebRoot, pattern, SearchOption.AllDirectories)
            .Where(path => !excludedFolders.Any(folder => path.Contains($"{Path.DirectorySeparatorChar}{folder}{Path.DirectorySeparatorChar}", StringComparison.Ordinal)));

    [Fact]
    public void HtmlPages_HaveNoInlineScriptsHandlersOrStyles()
    {
        var pages = Files("*.html").ToList();

        pages.Should().NotBeEmpty();
        foreach (var page in pages)
        {
            var html = File.ReadAllText(page);
            InlineScript().IsMatch(html).Should().BeFalse($"{page} must load scripts from files (script-src 'self')");
            EventHandlerAttribute().IsMatch(html).Should().BeFalse($"{page} must not use inline event handlers");
            StyleAttributeOrElement().IsMatch(html).Should().BeFalse($"{page} must not use inline styles (style-src 'self')");
            RemoteResource().IsMatch(html).Should().BeFalse($"{page} must not load anything from another origin");
        }
    }

    [Fact]
    public void Scripts_NeverInsertHtml_NorKeepTokensInWebStorage()
    {
        var scripts = Files("*.js", "vendor").ToList();

        scripts.Should().NotBeEmpty();
        foreach (var script in scripts)
        {
            var code = File.ReadAllText(script);
            HtmlInsertion().IsMatch(code).Should().BeFalse($"{script} must insert user data as text, never as HTML");
            code.Should().NotContainAny(["localStorage", "sessionStorage"], $"{script} must not keep tokens in web storage");
            code.Should().NotContain("setAttribute('style'", $"{script} must not set inline styles");
        }
    }

    [Fact]
    public void WebApp_CallsTheApiOnlyThroughMedivaultApi()
    {
        // The emergency page and the SMART Health Link viewer are standalone pages without a session (the viewer also
        // fetches manifests from other issuers); they make their own few calls.
        var callers = Files("*.js", "vendor", "emergency", "shl")
            .Where(path => ApiCall().IsMatch(File.ReadAllText(path)))
            .Select(Path.GetFileName);

        callers.Should().Equal("medivault-api.js");
    }

    [Fact]
    public void Stylesheets_LoadNothingFromOtherOrigins()
    {
        foreach (var sheet in Files("*.css"))
            RemoteResource().IsMatch(File.ReadAllText(sheet)).Should().BeFalse($"{sheet} must not load fonts or images from elsewhere");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MediVault.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException("The repository root (MediVault.sln) was not found.");
    }

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex(@"<[^>]+\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandlerAttribute();

    [GeneratedRegex(@"<style\b|<[^>]+\sstyle\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex StyleAttributeOrElement();

    [GeneratedRegex(@"(?:src|href)\s*=\s*[""']?(?:https?:)?//|url\(\s*[""']?(?:https?:)?//|@import\s+[""']?(?:https?:)?//", RegexOptions.IgnoreCase)]
    private static partial Regex RemoteResource();

    [GeneratedRegex(@"\.(?:innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|\beval\s*\(|new\s+Function\s*\(")]
    private static partial Regex HtmlInsertion();

    [GeneratedRegex(@"\bfetch\s*\(|XMLHttpRequest|\bEventSource\s*\(|\bWebSocket\s*\(")]
    private static partial Regex ApiCall();
}
