using MediVault.Application.Audit;

namespace MediVault.UnitTests.Application.Audit;

/// <summary>The device column of the access log: a User-Agent header in words.</summary>
public sealed class UserAgentDescriptionTests
{
    [Theory]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome on Linux")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", "Safari on macOS")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari on iPhone")]
    [InlineData("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome on Android")]
    [InlineData("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Linux")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36", "Headless Chrome on Linux")]
    [InlineData("curl/8.5.0", "curl")]
    [InlineData("MediVaultSync/2.1 (build 7)", "MediVaultSync")]
    [InlineData("Firefox/133.0", "Firefox")] // a browser without a system
    [InlineData("Mozilla/5.0 (Linux; U)", "Unknown browser on Linux")] // a system without a browser
    [InlineData("SomeApp/1.0 (Android 14)", "Unknown browser on Android")]
    [InlineData("HeadlessChrome/131.0.0.0", "Headless Chrome")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) Chromium/131.0 Chrome/131.0", "Chromium on Linux")]
    public void Describe_NamesTheBrowserAndTheSystem(string userAgent, string expected) =>
        UserAgentDescription.Describe(userAgent).Should().Be(expected);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Describe_WithoutAUserAgent_IsNull(string? userAgent) =>
        UserAgentDescription.Describe(userAgent).Should().BeNull();

    [Theory]
    [InlineData(39)]
    [InlineData(40)]
    public void Describe_AnUnknownProductUpTo40Characters_IsKeptWhole(int length)
    {
        var product = new string('x', length);

        UserAgentDescription.Describe(product + "/1.0").Should().Be(product);
    }

    [Fact]
    public void Describe_AnUnknownProductOf41Characters_IsCutTo40()
    {
        var product = new string('y', 41);

        UserAgentDescription.Describe(product + "/1.0 (compatible)").Should().Be(product[..40]);
    }
}
