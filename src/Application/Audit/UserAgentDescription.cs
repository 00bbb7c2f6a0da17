namespace MediVault.Application.Audit;

/// <summary>
/// A User-Agent header in words for people: "Chrome on Linux", "Safari on iPhone", "curl". Only the common browsers
/// and systems are named; anything else is "Unknown browser" on the system found, or the product token itself.
/// </summary>
public static class UserAgentDescription
{
    // Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari", Android also says "Linux".
    private static readonly (string Token, string Name)[] Browsers =
    [
        ("Edg/", "Edge"), ("EdgA/", "Edge"), ("EdgiOS/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser/", "Samsung Internet"),
        ("Firefox/", "Firefox"), ("FxiOS/", "Firefox"), ("CriOS/", "Chrome"), ("Chromium/", "Chromium"), ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ];

    private static readonly (string Token, string Name)[] Systems =
    [
        ("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("CrOS", "ChromeOS"), ("Windows", "Windows"),
        ("Mac OS X", "macOS"), ("Macintosh", "macOS"), ("Linux", "Linux"),
    ];

    private static readonly string[] Tools = ["curl", "Wget", "PostmanRuntime", "python-requests", "okhttp", "Go-http-client"];

    public static string? Describe(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
            return null;
        var ua = userAgent.Trim();
        foreach (var tool in Tools)
        {
            if (ua.StartsWith(tool, StringComparison.OrdinalIgnoreCase))
                return tool;
        }
        var browser = Browsers.FirstOrDefault(b => ua.Contains(b.Token, StringComparison.Ordinal)).Name;
        var system = Systems.FirstOrDefault(s => ua.Contains(s.Token, StringComparison.Ordinal)).Name;
        if (browser is null && system is null)
            return FirstProduct(ua);
        if (ua.Contains("HeadlessChrome", StringComparison.Ordinal))
            browser = "Headless Chrome";
        return system is null ? browser : $"{browser ?? "Unknown browser"} on {system}";
    }

    /// <summary>"MyApp/2.1 (compatible)" → "MyApp", at most 40 characters.</summary>
    private static string FirstProduct(string ua)
    {
        var product = ua.Split(' ', 2)[0].Split('/', 2)[0];
        return product.Length > 40 ? product[..40] : product;
    }
}
