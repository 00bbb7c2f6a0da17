using System.Net;
using System.Text.RegularExpressions;
using MediVault.IntegrationTests.Infrastructure;

namespace MediVault.IntegrationTests;

public sealed partial class EmergencyPageTests(MediVaultFactory factory) : IClassFixture<MediVaultFactory>
{
    private readonly Api api = new(factory);

    [Fact]
    public async Task Page_TokenLink_ServesTheHtmlPageAnonymously()
    {
        var patient = await api.RegisterPatient();
        var code = await patient.GenerateQr();
        using var phone = api.Anonymous();

        var response = await phone.GetAsync(new Uri(code.AccessUrl).PathAndQuery);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        var html = await response.Content.ReadAsStringAsync();
        html.Should().Contain("""<script type="module" src="/emergency/emergency.js"></script>""")
            .And.Contain("""<link rel="stylesheet" href="/emergency/emergency.css">""");
        (await patient.ListQrCodes()).Single().UseCount.Should().Be(0, "the page itself reads nothing; its script asks the API");
    }

    [Fact]
    public async Task Page_Answer_CarriesAStrictPolicyAndKeepsTheTokenPrivate()
    {
        using var phone = api.Anonymous();

        var response = await phone.GetAsync("/emergency/w82Opd903Y0Wfto5iA1zTEXU1fS_MEUMiYz_ZVrWwHs");

        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        response.Headers.GetValues("Referrer-Policy").Should().Equal("no-referrer");
        response.Headers.GetValues("X-Robots-Tag").Single().Should().Contain("noindex");
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        policy.Should().Contain("default-src 'none'").And.Contain("script-src 'self'").And.Contain("style-src 'self'")
            .And.Contain("connect-src 'self'").And.NotContain("unsafe-inline").And.NotContain("unsafe-eval");
    }

    [Fact]
    public async Task Page_Html_HasNoInlineScriptStyleOrExternalResource()
    {
        using var phone = api.Anonymous();

        var html = await (await phone.GetAsync("/emergency/w82Opd903Y0Wfto5iA1zTEXU1fS_MEUMiYz_ZVrWwHs")).Content.ReadAsStringAsync();

        InlineScript().IsMatch(html).Should().BeFalse("every script is a file from this server");
        html.Should().NotContain("<style").And.NotContain("style=").And.NotContainAny(" onclick=", " onload=", " onerror=");
        html.Should().NotContain("http://").And.NotContain("https://").And.NotContain("//cdn");
    }

    [Theory]
    [InlineData("/emergency/emergency.js", "text/javascript")]
    [InlineData("/emergency/emergency.css", "text/css")]
    public async Task Page_Assets_AreServedFromThisServer(string path, string mediaType)
    {
        using var phone = api.Anonymous();

        var response = await phone.GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be(mediaType);
        (await response.Content.ReadAsStringAsync()).Should().NotContain("http://").And.NotContain("https://");
    }

    [Fact]
    public async Task Page_Script_InsertsServerDataAsTextOnly()
    {
        using var phone = api.Anonymous();

        var script = await (await phone.GetAsync("/emergency/emergency.js")).Content.ReadAsStringAsync();

        script.Should().Contain("textContent").And.Contain("'/api/qr/access'").And.Contain("method: 'POST'").And.Contain("tel:");
        script.Should().NotContain("/api/qr/access/", "the token goes in the body, never in a URL");
        script.Should().NotContainAny("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function");
    }

    [Fact]
    public async Task ShlViewer_Page_IsServedWithAStrictPolicyAndNoInlineCode()
    {
        using var phone = api.Anonymous();

        var response = await phone.GetAsync("/shl");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        response.Headers.GetValues("Referrer-Policy").Should().Equal("no-referrer");
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        policy.Should().Contain("default-src 'none'").And.Contain("script-src 'self'").And.Contain("connect-src 'self' https:")
            .And.NotContain("unsafe-inline").And.NotContain("unsafe-eval");
        var html = await response.Content.ReadAsStringAsync();
        InlineScript().IsMatch(html).Should().BeFalse("every script is a file from this server");
        html.Should().Contain("""<script type="module" src="/shl/shl.js"></script>""").And.NotContain("style=").And.NotContain("https://");
    }

    [Fact]
    public async Task ShlViewer_Script_DecryptsLocallyAndInsertsTextOnly()
    {
        using var phone = api.Anonymous();

        var script = await (await phone.GetAsync("/shl/shl.js")).Content.ReadAsStringAsync();

        script.Should().Contain("crypto.subtle.decrypt").And.Contain("DecompressionStream('deflate-raw')").And.Contain("textContent");
        script.Should().NotContainAny("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function");
    }

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();
}
