using MediVault.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace MediVault.IntegrationTests.Browser;

/// <summary>
/// The real app on a real Kestrel loopback port over a temporary data directory, and one headless Debian Chromium
/// (never a browser downloaded by Playwright), shared by the browser tests of the "Browser" collection.
/// </summary>
public sealed class BrowserApp : IAsyncLifetime, IDisposable
{
    /// <summary>Debian's Chromium; MEDIVAULT_CHROMIUM points elsewhere if needed.</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("MEDIVAULT_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ];

    /// <summary>Uploads above this size answer 413 (small, so the test needs no big file).</summary>
    public const int MaxUploadBytes = 4 * 1024 * 1024;

    /// <summary>A third-party portal registered as a public PKCE client; the browser tests stand in for its redirect URI.</summary>
    public const string PortalClientId = "browser-portal";
    public const string PortalName = "Lakeside Clinic Portal";
    public const string PortalRedirectUri = "https://portal.example/callback";

    private readonly KestrelFactory factory = new();
    private IPlaywright? playwright;
    private IBrowser? browser;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>
    /// The same app as <c>http://localhost:{port}</c>: WebAuthn needs a domain for its relying party id, and Chromium
    /// refuses passkeys on an IP address such as 127.0.0.1 (localhost is a secure context, like HTTPS).
    /// </summary>
    public Uri LocalhostUrl => new UriBuilder(BaseUrl) { Host = "localhost" }.Uri;
    public IBrowser Browser => browser ?? throw new InvalidOperationException("The browser has not started.");

    /// <summary>The HTTP API over the same port, for arranging data quickly (accounts, files, grants).</summary>
    public SeedApi Seed { get; private set; } = null!;

    /// <summary>The app itself: <c>new Api(Factory)</c> arranges through the API on the same port, as other tests do.</summary>
    public MediVaultFactory Factory => factory;

    /// <summary>The repository's root folder (where MediVault.sln is).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"Chromium is not installed at {ChromiumPath}: apt-get install -y chromium (or set MEDIVAULT_CHROMIUM).");

        BaseUrl = factory.StartOnLoopback();
        Seed = new SeedApi(BaseUrl);

        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
            Timeout = 60_000,
        });
        Assertions.SetDefaultExpectTimeout(20_000);
    }

    public async Task DisposeAsync()
    {
        if (browser is not null)
            await browser.CloseAsync();
        playwright?.Dispose();
        Seed?.Dispose();
        await factory.DisposeAsync();
    }

    public void Dispose() => factory.Dispose();

    /// <summary>A fresh browser profile (no cookies) with one page, the size of a phone or a desktop.</summary>
    /// <param name="baseUrl">Where the page opens the app; <see cref="BaseUrl"/> unless a test needs <see cref="LocalhostUrl"/>.</param>
    public async Task<UiSession> NewSessionAsync(Viewport viewport, Uri? baseUrl = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = (baseUrl ?? BaseUrl).ToString(),
            ViewportSize = new ViewportSize { Width = viewport.Width, Height = viewport.Height },
            IsMobile = viewport.IsMobile,
            HasTouch = viewport.IsMobile,
            AcceptDownloads = true,
            Locale = "en-US",
            TimezoneId = "UTC",
            ReducedMotion = ReducedMotion.Reduce,
        });
        context.SetDefaultTimeout(20_000);
        context.SetDefaultNavigationTimeout(30_000);
        var page = await context.NewPageAsync();
        return new UiSession(context, page, viewport);
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MediVault.sln")))
                return directory.FullName;
        }
        return Directory.GetCurrentDirectory();
    }

    /// <summary>The app as MediVaultFactory builds it, served by Kestrel instead of the in-memory test server.</summary>
    private sealed class KestrelFactory : MediVaultFactory
    {
        public KestrelFactory()
        {
            Settings["MediVault:Files:MaxUploadBytes"] = MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Settings["MediVault:Clients:0:ClientId"] = PortalClientId;
            Settings["MediVault:Clients:0:DisplayName"] = PortalName;
            Settings["MediVault:Clients:0:RedirectUris:0"] = PortalRedirectUri;
        }
    }
}

/// <summary>The sizes pages are checked at: every page at small phone, phone and desktop; the menu also at tablet.</summary>
public sealed record Viewport(string Name, int Width, int Height, bool IsMobile, bool IsAxeScanned = true)
{
    public static readonly Viewport SmallPhone = new("small-phone", 320, 640, true);
    public static readonly Viewport Phone = new("phone", 390, 844, true);

    /// <summary>
    /// 768 px is where the menu changes shape, so every page gets the overflow check there; the axe scan runs at the
    /// three widths the accessibility rule names (320, 390, 1280) and not again at this one (docs/testing.md, "Speed").
    /// </summary>
    public static readonly Viewport Tablet = new("tablet", 768, 1024, true, IsAxeScanned: false);
    public static readonly Viewport Desktop = new("desktop", 1280, 800, false);
}

/// <summary>
/// Screenshots are opt-in: <c>MEDIVAULT_SCREENSHOTS=1 dotnet test tests/IntegrationTests --filter "FullyQualifiedName~PageTourTests"</c>
/// refreshes docs/screenshots (phone and desktop width, the ones docs/frontend.md shows); the 320 and 768 px shots go
/// to TestResults/screenshots, for a look, not for the docs.
/// </summary>
public static class Screenshots
{
    public static bool Enabled => Environment.GetEnvironmentVariable("MEDIVAULT_SCREENSHOTS") == "1";

    public static string DirectoryFor(Viewport viewport)
    {
        var forDocs = viewport == Viewport.Phone || viewport == Viewport.Desktop;
        return Directory.CreateDirectory(forDocs
            ? Path.Combine(BrowserApp.RepositoryRoot, "docs", "screenshots")
            : Path.Combine(BrowserApp.RepositoryRoot, "TestResults", "screenshots")).FullName;
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserTestGroup : ICollectionFixture<BrowserApp>
{
    public const string Name = "Browser";
}
