using System.Buffers.Text;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MediVault.IntegrationTests.Browser;

/// <summary>
/// The /shl viewer against a stand-in issuer on another origin (Playwright answers its manifest): the test encrypts
/// with .NET's AesGcm, the page decrypts with WebCrypto, so the viewer is checked against an independent JWE writer.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ShlViewerBrowserTests(BrowserApp app) : IAsyncLifetime
{
    private const string Issuer = "https://issuer.example";
    private const string ManifestPath = "/shl/m/Y9xwkUdtmN9wwoJoN3ffJIhX2UGvCL1JnlPVNL3kDWM";
    private readonly byte[] key = RandomNumberGenerator.GetBytes(32);
    private readonly List<IRequest> issuerRequests = [];
    private UiSession phone = null!;

    private IPage Page => phone.Page;

    public async Task InitializeAsync() => phone = await app.NewSessionAsync(Viewport.Phone);

    public async Task DisposeAsync() => await phone.DisposeAsync();

    [Fact]
    public async Task Viewer_PasscodeLinkFromAnotherOrigin_WrongPasscodeCountsDownThenTheSummaryShows()
    {
        var remaining = 3;
        await ServeIssuer(body =>
        {
            using var request = JsonDocument.Parse(body);
            return request.RootElement.GetProperty("passcode").GetString() == "1234"
                ? (200, Manifest(Jwe(SummaryJson("Sakshi Verma", "Penicillin"), compress: true), Jwe(FileJson("note.txt", "hello"), compress: false)))
                : (401, JsonSerializer.Serialize(new { remainingAttempts = --remaining }));
        });

        await Page.GotoAsync($"/shl#shlink:/{Payload(flag: "P", label: "For Dr. Rao")}");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "For Dr. Rao" })).ToBeVisibleAsync();
        await Page.GetByLabel("Your name").FillAsync("Dr. Anil Rao");
        await Page.GetByLabel("Passcode").FillAsync("0000");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
        await Expect(Page.Locator("#passcode-error")).ToHaveTextAsync("Wrong passcode. 2 attempts left.");
        await Page.GetByLabel("Passcode").FillAsync("1234");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();

        await Expect(Page.Locator("#patient-name")).ToHaveTextAsync("Sakshi Verma");
        await Expect(Page.Locator("#allergies > li").First).ToContainTextAsync("Penicillin");
        await Expect(Page.Locator("#allergies > li").First).ToContainTextAsync("Severe");
        await Expect(Page.Locator("#medications > li")).ToContainTextAsync("Salbutamol");
        await Expect(Page.Locator("#blood-type")).ToHaveTextAsync("O+");
        await Expect(Page.Locator("#files > li")).ToContainTextAsync("note.txt");
        var posts = issuerRequests.Where(r => r.Method == "POST").ToList();
        posts.Should().HaveCount(2);
        posts.Should().OnlyContain(r => r.Url == Issuer + ManifestPath, "the fragment and the key never leave the page");
        posts[^1].PostData.Should().Contain("\"recipient\":\"Dr. Anil Rao\"");
        phone.AssertNoScriptProblems();
    }

    [Fact]
    public async Task Viewer_RevokedLink_SaysNoLongerAvailable()
    {
        await ServeIssuer(_ => (404, """{"title":"Not Found"}"""));

        await Page.GotoAsync($"/shl#shlink:/{Payload(flag: "", label: "Wallet")}");
        await Page.GetByLabel("Your name").FillAsync("Paramedic");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("no longer available");
        await Expect(Page.Locator("#passcode-field")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Viewer_MarkupInTheContent_IsShownAsText()
    {
        await ServeIssuer(_ => (200, Manifest(Jwe(SummaryJson("<b>Bold</b> Patient", "<img src=x onerror=alert(1)>"), compress: true))));

        await Page.GotoAsync($"/shl#shlink:/{Payload(flag: "", label: "<i>label</i>")}");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "<i>label</i>" })).ToBeVisibleAsync();
        await Page.GetByLabel("Your name").FillAsync("Viewer");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();

        await Expect(Page.Locator("#patient-name")).ToHaveTextAsync("<b>Bold</b> Patient");
        await Expect(Page.Locator("#patient-name b")).ToHaveCountAsync(0);
        await Expect(Page.Locator("#allergies img")).ToHaveCountAsync(0);
        phone.AssertNoScriptProblems();
    }

    [Theory]
    [InlineData("small-phone")]
    [InlineData("phone")]
    [InlineData("desktop")]
    public async Task Viewer_FormAndSummary_AreAccessibleAndFitTheViewport(string viewportName)
    {
        var viewport = new[] { Viewport.SmallPhone, Viewport.Phone, Viewport.Desktop }.Single(v => v.Name == viewportName);
        var session = phone;
        await Page.SetViewportSizeAsync(viewport.Width, viewport.Height);
        await ServeIssuer(_ => (200, Manifest(Jwe(SummaryJson("Sakshi Verma", "Penicillin"), compress: true), Jwe(FileJson("a-rather-long-file-name-for-a-narrow-phone-screen.pdf", "x"), compress: false))));

        await Page.GotoAsync($"/shl#shlink:/{Payload(flag: "P", label: "For Dr. Rao")}");
        await Expect(Page.GetByLabel("Passcode")).ToBeVisibleAsync();
        await session.AssertAccessibleAsync("shl-viewer-form");
        await session.AssertFitsViewportAsync("shl-viewer-form");
        await Page.GetByLabel("Your name").FillAsync("Viewer");
        await Page.GetByLabel("Passcode").FillAsync("1234");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
        await Expect(Page.Locator("#patient-name")).ToHaveTextAsync("Sakshi Verma");

        await session.AssertAccessibleAsync("shl-viewer-summary");
        await session.AssertFitsViewportAsync("shl-viewer-summary");
        session.AssertNoScriptProblems();
    }

    [Fact]
    public async Task Viewer_NoLinkInTheFragment_SaysSo()
    {
        await Page.GotoAsync("/shl#shlink:/not-base64-json");

        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Not a SMART Health Link");
    }

    private async Task ServeIssuer(Func<string, (int Status, string Body)> answer)
    {
        var cors = new Dictionary<string, string>
        {
            ["Access-Control-Allow-Origin"] = "*",
            ["Access-Control-Allow-Methods"] = "GET, POST",
            ["Access-Control-Allow-Headers"] = "Content-Type",
        };
        await Page.RouteAsync($"{Issuer}/**", async route =>
        {
            issuerRequests.Add(route.Request);
            if (route.Request.Method == "OPTIONS")
            {
                await route.FulfillAsync(new() { Status = 204, Headers = cors });
                return;
            }
            var (status, body) = answer(route.Request.PostData ?? "");
            await route.FulfillAsync(new() { Status = status, Headers = cors, ContentType = "application/json", Body = body });
        });
    }

    private string Payload(string flag, string label)
    {
        var json = JsonSerializer.Serialize(new { url = Issuer + ManifestPath, key = Base64Url.EncodeToString(key), flag, label, v = 1 });
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
    }

    private static string Manifest(params string[] jwes) => JsonSerializer.Serialize(new
    {
        files = jwes.Select(jwe => new { contentType = "application/fhir+json", embedded = jwe }),
    });

    /// <summary>JWE compact serialization, alg "dir", enc "A256GCM", optionally zip "DEF" (raw DEFLATE).</summary>
    private string Jwe(string content, bool compress)
    {
        var header = compress
            ? """{"alg":"dir","enc":"A256GCM","cty":"application/fhir+json","zip":"DEF"}"""
            : """{"alg":"dir","enc":"A256GCM","cty":"application/fhir+json"}""";
        var protectedHeader = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header));
        var plain = Encoding.UTF8.GetBytes(content);
        if (compress)
        {
            using var deflated = new MemoryStream();
            using (var deflate = new DeflateStream(deflated, CompressionLevel.Optimal))
                deflate.Write(plain);
            plain = deflated.ToArray();
        }
        var iv = RandomNumberGenerator.GetBytes(12);
        var ciphertext = new byte[plain.Length];
        var tag = new byte[16];
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(iv, plain, ciphertext, tag, Encoding.ASCII.GetBytes(protectedHeader));
        return $"{protectedHeader}..{Base64Url.EncodeToString(iv)}.{Base64Url.EncodeToString(ciphertext)}.{Base64Url.EncodeToString(tag)}";
    }

    private static string SummaryJson(string patientName, string allergy) => JsonSerializer.Serialize(new
    {
        resourceType = "Bundle",
        type = "document",
        entry = new object[]
        {
            new { resource = new { resourceType = "Composition", title = "International Patient Summary" } },
            new { resource = new { resourceType = "Patient", name = new[] { new { text = patientName } }, birthDate = "1990-04-02" } },
            new
            {
                resource = new
                {
                    resourceType = "AllergyIntolerance", criticality = "high", code = new { text = allergy },
                    reaction = new[] { new { manifestation = new[] { new { text = "Anaphylaxis" } }, severity = "severe" } },
                },
            },
            new { resource = new { resourceType = "MedicationStatement", medicationCodeableConcept = new { text = "Salbutamol" }, dosage = new[] { new { text = "100 mcg" } } } },
            new
            {
                resource = new
                {
                    resourceType = "Observation", code = new { coding = new[] { new { system = "http://loinc.org", code = "882-1" } } },
                    valueCodeableConcept = new { text = "O+" },
                },
            },
        },
    });

    private static string FileJson(string title, string text) => JsonSerializer.Serialize(new
    {
        resourceType = "DocumentReference",
        status = "current",
        content = new[] { new { attachment = new { contentType = "text/plain", title, data = Convert.ToBase64String(Encoding.UTF8.GetBytes(text)) } } },
    });
}
