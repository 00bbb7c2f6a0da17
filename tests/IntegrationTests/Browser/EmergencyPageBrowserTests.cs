using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using MediVault.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.IntegrationTests.Browser;

/// <summary>
/// The app twice over one data directory: in memory (<see cref="App"/>, for arranging through the API as every
/// other test does) and on Kestrel at <see cref="Address"/>, for a real browser. The test server's clients cannot
/// be pointed at Kestrel, and a second instance on the same database is how the app runs behind a load balancer.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime, IDisposable
{
    public MediVaultFactory App { get; } = new();
    private KestrelInstance? kestrel;

    public Uri Address { get; private set; } = null!;

    public Task InitializeAsync()
    {
        App.CreateClient().Dispose(); // migrate the database before the second instance opens it
        kestrel = new KestrelInstance(App.DataDirectory);
        Address = kestrel.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (kestrel is not null)
            await kestrel.DisposeAsync();
        await App.DisposeAsync();
    }

    public void Dispose()
    {
        kestrel?.Dispose();
        App.Dispose();
    }

    private sealed class KestrelInstance : MediVaultFactory
    {
        private readonly string sharedDataDirectory;

        public KestrelInstance(string dataDirectory)
        {
            sharedDataDirectory = dataDirectory;
            UseKestrel(0);
        }

        public Uri Start()
        {
            StartServer();
            var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("MediVault:DataDirectory", sharedDataDirectory);
        }
    }
}

/// <summary>The emergency page as a phone shows it: headless Chromium (Debian's chromium; .ci/run installs it).</summary>
public sealed partial class EmergencyPageBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private readonly Api api = new(browser.App);

    [Fact]
    public async Task Page_ValidCode_ShowsTheProfileWithSevereAllergiesFirstAndCallableContacts()
    {
        var patient = await api.RegisterPatient("Sakshi Verma");
        await patient.SaveProfile();
        var code = await patient.GenerateQr();

        var dom = await RenderedDom(new Uri(browser.Address, new Uri(code.AccessUrl).PathAndQuery));

        Text(dom, "patient-name").Should().Be("Sakshi Verma");
        Text(dom, "blood-type").Should().Be("O+");
        var allergies = ListItems(dom, "allergies");
        allergies.Should().HaveCount(2);
        allergies[0].Should().Contain("class=\"severe\"").And.Contain("Penicillin").And.Contain("Severe");
        allergies[1].Should().Contain("Dust").And.NotContain("class=\"severe\"");
        ListItems(dom, "contacts").Should().ContainSingle().Which.Should().Contain("href=\"tel:+919876543210\"").And.Contain("Ravi Verma");
        Text(dom, "expires-at").Should().StartWith("This code is valid until");
        ProblemHidden(dom).Should().BeTrue();
    }

    [Fact]
    public async Task Page_MarkupInTheProfile_IsShownAsText()
    {
        var patient = await api.RegisterPatient("<b>Bold</b> Patient");
        await patient.SaveProfile(new { conditions = new[] { new { name = "<img src=x onerror=alert(1)>" } } });
        var code = await patient.GenerateQr();

        var dom = await RenderedDom(new Uri(browser.Address, $"/emergency/{code.Token}"));

        Text(dom, "patient-name").Should().Be("&lt;b&gt;Bold&lt;/b&gt; Patient");
        ListItems(dom, "conditions").Single().Should().Contain("&lt;img src=x onerror=alert(1)&gt;").And.NotContain("<img");
    }

    [Fact]
    public async Task Page_RevokedCode_SaysSo()
    {
        var patient = await api.RegisterPatient();
        var code = await patient.GenerateQr();
        (await patient.Client.DeleteAsync($"/api/qr/{code.Id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        var dom = await RenderedDom(new Uri(browser.Address, $"/emergency/{code.Token}"));

        Text(dom, "problem-title").Should().Be("This emergency code no longer works");
        Text(dom, "problem-detail").Should().Contain("revoked");
        dom.Should().Contain("<article id=\"profile\" hidden=\"\"");
    }

    [Fact]
    public async Task Page_UnknownCode_SaysItIsNotRecognised()
    {
        var dom = await RenderedDom(new Uri(browser.Address, "/emergency/w82Opd903Y0Wfto5iA1zTEXU1fS_MEUMiYz_ZVrWwHs"));

        Text(dom, "problem-title").Should().Be("Unknown emergency code");
    }

    private static string Text(string dom, string id)
    {
        var match = Regex.Match(dom, $"""id="{id}"[^>]*>(.*?)</""", RegexOptions.Singleline);
        match.Success.Should().BeTrue($"the page has an element #{id}");
        return match.Groups[1].Value;
    }

    private static List<string> ListItems(string dom, string listId)
    {
        var list = Regex.Match(dom, $"""<ul id="{listId}"[^>]*>(.*?)</ul>""", RegexOptions.Singleline);
        list.Success.Should().BeTrue($"the page has a list #{listId}");
        return ListItem().Matches(list.Groups[1].Value).Select(m => m.Value).ToList();
    }

    private static bool ProblemHidden(string dom) =>
        Regex.IsMatch(dom, """<section id="problem"[^>]*\bhidden""");

    [GeneratedRegex("<li[^>]*>.*?</li>", RegexOptions.Singleline)]
    private static partial Regex ListItem();

    /// <summary>The DOM after the page's script has run, from headless Chromium.</summary>
    private static async Task<string> RenderedDom(Uri page)
    {
        var profile = Directory.CreateTempSubdirectory("medivault-chromium-");
        try
        {
            var start = new ProcessStartInfo("chromium",
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", $"--user-data-dir={profile.FullName}",
                "--virtual-time-budget=10000", "--dump-dom", page.ToString(),
            ])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var chromium = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start (apt-get install chromium).");
            var dumping = chromium.StandardOutput.ReadToEndAsync();
            var logging = chromium.StandardError.ReadToEndAsync();
            await chromium.WaitForExitAsync();
            var dom = await dumping;
            chromium.ExitCode.Should().Be(0, await logging);
            return dom;
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
