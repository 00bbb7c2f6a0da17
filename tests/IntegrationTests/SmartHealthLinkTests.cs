using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediVault.Domain.Ledger;
using MediVault.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MediVault.IntegrationTests;

/// <summary>
/// SMART Health Links (issue 17), over real HTTP: the patient's endpoints, the anonymous manifest, direct-file and
/// location reads a viewer makes, the lifetime passcode counter, the access log and the ledger.
/// </summary>
public sealed class SmartHealthLinkTests(MediVaultFactory factory) : IClassFixture<MediVaultFactory>
{
    private readonly Api api = new(factory);

    private async Task<Session> PatientWithProfile()
    {
        var patient = await api.RegisterPatient("Oliver Brown");
        await patient.SaveProfile();
        return patient;
    }

    [Fact]
    public async Task Create_Returns201WithAPayloadPerTheSpecification()
    {
        var patient = await PatientWithProfile();

        var created = await patient.CreateShl(new { label = "For the ER", expiresInMinutes = 60, include = new { emergencySummary = true } });

        var payload = created.Payload;
        created.Shlink.Should().StartWith("shlink:/");
        created.ViewerUrl.Should().EndWith("/shl#" + created.Shlink);
        payload.Url.Should().MatchRegex("^https?://[^/]+/api/shl/m/[A-Za-z0-9_-]{43}$").And.Subject.Length.Should().BeLessThanOrEqualTo(128);
        payload.Key.Should().MatchRegex("^[A-Za-z0-9_-]{43}$");
        payload.Label.Should().Be("For the ER");
        payload.V.Should().Be(1);
        payload.Flag.Should().BeNull();
        created.Flag.Should().BeEmpty();
        DateTimeOffset.FromUnixTimeSeconds(payload.Exp!.Value).UtcDateTime.Should().BeCloseTo(created.ExpiresAt, TimeSpan.FromSeconds(1));
        created.ExpiresAt.Should().BeCloseTo(DateTime.UtcNow.AddMinutes(60), TimeSpan.FromMinutes(1));
        Convert.FromBase64String(created.QrCodePng)[..4].Should().Equal(0x89, 0x50, 0x4E, 0x47);
        created.QrCodeSvg.Should().StartWith("<svg");
    }

    [Fact]
    public async Task Create_FlagsAreInAlphabeticalOrder()
    {
        var patient = await PatientWithProfile();

        var created = await patient.CreateShl(new { passcode = "4711", longTerm = true, include = new { emergencySummary = true } });

        created.Flag.Should().Be("LP");
        created.Payload.Flag.Should().Be("LP");
    }

    [Fact]
    public async Task Create_TwoLinks_HaveDifferentIdsAndKeys()
    {
        var patient = await PatientWithProfile();

        var first = (await patient.CreateShl()).Payload;
        var second = (await patient.CreateShl()).Payload;

        first.Url.Should().NotBe(second.Url);
        first.Key.Should().NotBe(second.Key);
    }

    [Fact]
    public async Task Manifest_EmbedsTheEmergencySummaryAsAnIpsBundle()
    {
        var patient = await PatientWithProfile();
        var payload = (await patient.CreateShl()).Payload;
        using var viewer = api.Anonymous();

        var response = await viewer.RequestManifest(payload);

        response.Headers.CacheControl?.NoStore.Should().BeTrue();
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/json");
        var manifest = await response.ReadAs<ShlManifestAnswer>();
        var file = manifest.Files.Should().ContainSingle().Subject;
        file.ContentType.Should().Be("application/fhir+json");
        file.Location.Should().BeNull();
        file.Status.Should().Be("finalized");
        var bundle = payload.DecryptJson(file.Embedded!);
        bundle.GetProperty("resourceType").GetString().Should().Be("Bundle");
        bundle.GetProperty("type").GetString().Should().Be("document");
        bundle.GetProperty("entry")[0].GetProperty("resource").GetProperty("resourceType").GetString().Should().Be("Composition");
        bundle.Text().Should().Contain("Penicillin").And.Contain("Salbutamol").And.Contain("Oliver Brown");
    }

    [Fact]
    public async Task Manifest_SharedContent_ValidatesAgainstBaseR4()
    {
        var patient = await PatientWithProfile();
        var file = await patient.Upload(SampleFiles.Pdf(1500), "ecg.pdf", ("category", "lab-report"));
        var payload = (await patient.CreateShl(new { include = new { emergencySummary = true, fileIds = new[] { file.Id } } })).Payload;
        using var viewer = api.Anonymous();

        var manifest = await viewer.Manifest(payload);

        manifest.Files.Should().HaveCount(2);
        foreach (var entry in manifest.Files)
            R4Validation.Errors(payload.DecryptJson(entry.Embedded!).Text()).Should().BeEmpty();
    }

    [Fact]
    public async Task Manifest_OfAOneTimeLink_IsTheSnapshotTakenAtCreation()
    {
        var patient = await PatientWithProfile();
        var payload = (await patient.CreateShl()).Payload;
        await patient.SaveProfile(new { allergies = new[] { new { substance = "Latex", severity = "severe" } } });
        using var viewer = api.Anonymous();

        var manifest = await viewer.Manifest(payload);

        payload.DecryptJson(manifest.Files[0].Embedded!).Text().Should().Contain("Penicillin").And.NotContain("Latex");
    }

    [Fact]
    public async Task Manifest_OfALongTermLink_IsReEncryptedFromTheCurrentRecords()
    {
        var patient = await PatientWithProfile();
        var payload = (await patient.CreateShl(new { longTerm = true, include = new { emergencySummary = true } })).Payload;
        using var viewer = api.Anonymous();
        var before = await viewer.Manifest(payload);

        await patient.SaveProfile(new { allergies = new[] { new { substance = "Latex", severity = "severe" } } });
        var after = await viewer.Manifest(payload);

        after.Files[0].Status.Should().Be("can-change");
        payload.DecryptJson(before.Files[0].Embedded!).Text().Should().Contain("Penicillin");
        payload.DecryptJson(after.Files[0].Embedded!).Text().Should().Contain("Latex").And.NotContain("Penicillin");
        IvOf(after.Files[0].Embedded!).Should().NotBe(IvOf(before.Files[0].Embedded!));
    }

    private static string IvOf(string jwe) => jwe.Split('.')[2];

    [Fact]
    public async Task Manifest_FileLargerThanEmbeddedLengthMax_ComesByLocationAsJose()
    {
        var patient = await PatientWithProfile();
        var pdf = SampleFiles.Pdf(60_000);
        var file = await patient.Upload(pdf, "blood-count.pdf", ("category", "lab-report"));
        var payload = (await patient.CreateShl(new { include = new { emergencySummary = true, fileIds = new[] { file.Id } } })).Payload;
        using var viewer = api.Anonymous();

        var manifest = await viewer.Manifest(payload, embeddedLengthMax: 50_000);
        var entry = manifest.Files[1];
        var fetched = await viewer.GetAsync(ShlRequests.PathOf(entry.Location!));

        manifest.Files.Should().HaveCount(2);
        manifest.Files[0].Embedded.Should().NotBeNull("the summary is small");
        entry.Embedded.Should().BeNull();
        fetched.StatusCode.Should().Be(HttpStatusCode.OK);
        fetched.Content.Headers.ContentType?.MediaType.Should().Be("application/jose");
        fetched.Headers.CacheControl?.NoStore.Should().BeTrue();
        var document = payload.DecryptJson(await fetched.Content.ReadAsStringAsync());
        document.GetProperty("resourceType").GetString().Should().Be("DocumentReference");
        var attachment = document.GetProperty("content")[0].GetProperty("attachment");
        attachment.GetProperty("data").GetBytesFromBase64().Should().Equal(pdf);
        attachment.GetProperty("title").GetString().Should().Be("blood-count.pdf");
        attachment.TryGetProperty("url", out _).Should().BeFalse("the recipient cannot reach our FHIR API");
    }

    [Fact]
    public async Task Manifest_SmallFile_IsEmbedded()
    {
        var patient = await PatientWithProfile();
        var pdf = SampleFiles.Pdf(2000);
        var file = await patient.Upload(pdf, "small.pdf");
        var payload = (await patient.CreateShl(new { longTerm = true, include = new { fileIds = new[] { file.Id } } })).Payload;
        using var viewer = api.Anonymous();

        var manifest = await viewer.Manifest(payload);

        var document = payload.DecryptJson(manifest.Files.Single().Embedded!);
        document.GetProperty("content")[0].GetProperty("attachment").GetProperty("data").GetBytesFromBase64().Should().Equal(pdf);
    }

    [Fact]
    public async Task Location_OfARevokedLink_Returns404()
    {
        var patient = await PatientWithProfile();
        var created = await patient.CreateShl();
        using var viewer = api.Anonymous();
        var manifest = await viewer.Manifest(created.Payload, embeddedLengthMax: 0);

        await patient.Client.DeleteAsync($"/api/shl/{created.Id}");
        var response = await viewer.GetAsync(ShlRequests.PathOf(manifest.Files[0].Location!));

        await response.ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Location_UnknownOrForgedToken_Returns404(string token)
    {
        using var viewer = api.Anonymous();

        var response = await viewer.GetAsync($"/api/shl/f/{token}");

        await response.ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Location_AlteredToken_Returns404()
    {
        var patient = await PatientWithProfile();
        var created = await patient.CreateShl();
        using var viewer = api.Anonymous();
        var location = (await viewer.Manifest(created.Payload, embeddedLengthMax: 0)).Files[0].Location!;
        var path = ShlRequests.PathOf(location);
        var altered = path[..^2] + (path[^2] == 'A' ? 'B' : 'A') + path[^1];

        var response = await viewer.GetAsync(altered);

        await response.ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Manifest_WithPasscode_OpensOnlyWithTheRightOne()
    {
        var patient = await PatientWithProfile();
        var payload = (await patient.CreateShl(new { passcode = "correct-4711", maxPasscodeAttempts = 3, include = new { emergencySummary = true } })).Payload;
        using var viewer = api.Anonymous();

        var wrong = await viewer.RequestManifest(payload, passcode: "wrong");
        var missing = await viewer.RequestManifest(payload, passcode: null);
        var right = await viewer.RequestManifest(payload, passcode: "correct-4711");

        (await wrong.ShouldBeProblem(HttpStatusCode.Unauthorized)).Should().NotBeNull();
        (await wrong.Content.ReadFromJsonAsync<RemainingAttemptsAnswer>())!.RemainingAttempts.Should().Be(2);
        missing.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await missing.Content.ReadFromJsonAsync<RemainingAttemptsAnswer>())!.RemainingAttempts.Should().Be(2, "a missing passcode is not a guess");
        right.StatusCode.Should().Be(HttpStatusCode.OK);
        (await patient.ListShl()).Single().RemainingAttempts.Should().Be(2);
    }

    [Fact]
    public async Task Manifest_TwentyParallelWrongPasscodes_CountExactlyTheLimitThenTheLinkIsDead()
    {
        var patient = await PatientWithProfile();
        var created = await patient.CreateShl(new { passcode = "correct-4711", maxPasscodeAttempts = 5, include = new { emergencySummary = true } });
        var payload = created.Payload;

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            using var viewer = api.Anonymous();
            return await viewer.RequestManifest(payload, passcode: $"guess-{i}");
        }));

        var refusals = responses.Where(r => r.StatusCode == HttpStatusCode.Unauthorized).ToList();
        refusals.Should().HaveCount(5);
        var remaining = await Task.WhenAll(refusals.Select(async r => (await r.Content.ReadFromJsonAsync<RemainingAttemptsAnswer>())!.RemainingAttempts));
        remaining.Should().BeEquivalentTo(new[] { 4, 3, 2, 1, 0 });
        responses.Where(r => r.StatusCode != HttpStatusCode.Unauthorized).Should().OnlyContain(r => r.StatusCode == HttpStatusCode.NotFound);
        using var late = api.Anonymous();
        await (await late.RequestManifest(payload, passcode: "correct-4711")).ShouldBeProblem(HttpStatusCode.NotFound);
        var summary = (await patient.ListShl()).Single(l => l.Id == created.Id);
        summary.Status.Should().Be("locked");
        summary.RemainingAttempts.Should().Be(0);
        summary.OpenCount.Should().Be(0);
    }

    [Fact]
    public async Task Manifest_RevokedLink_Returns404AndIsLoggedInactive()
    {
        var patient = await PatientWithProfile();
        var created = await patient.CreateShl();
        using var viewer = api.Anonymous();

        (await patient.Client.DeleteAsync($"/api/shl/{created.Id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        var response = await viewer.RequestManifest(created.Payload, recipient: "Late Larry");

        await response.ShouldBeProblem(HttpStatusCode.NotFound);
        var log = await patient.AccessLog(patient.Id);
        log.Items.Should().Contain(e => e.Action == "shl-opened" && e.ActorName == "Late Larry" && e.Outcome == "inactive");
        (await patient.ListShl()).Single(l => l.Id == created.Id).Status.Should().Be("revoked");
    }

    [Fact]
    public async Task Manifest_ExpiredLink_Returns404()
    {
        var patient = await PatientWithProfile();
        var created = await patient.CreateShl();
        await factory.InDatabase(db => db.SmartHealthLinks.Where(l => l.Id == created.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(l => l.ExpiresAt, DateTime.UtcNow.AddMinutes(-1))));
        using var viewer = api.Anonymous();

        var response = await viewer.RequestManifest(created.Payload);

        await response.ShouldBeProblem(HttpStatusCode.NotFound);
        (await patient.ListShl()).Single(l => l.Id == created.Id).Status.Should().Be("expired");
    }

    [Theory]
    [InlineData("unknown-id")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Manifest_UnknownId_Returns404(string manifestId)
    {
        using var viewer = api.Anonymous();

        var response = await viewer.PostAsJsonAsync($"/api/shl/m/{manifestId}", new { recipient = "Someone" });

        await response.ShouldBeProblem(HttpStatusCode.NotFound);
    }

    public static TheoryData<string, string> BadManifestRequests() => new()
    {
        { """{"passcode":"x"}""", "recipient" },
        { """{"recipient":"   "}""", "recipient" },
        { $$"""{"recipient":"{{new string('r', 201)}}"}""", "recipient" },
        { """{"recipient":"a\u0007b"}""", "recipient" },
        { """{"recipient":"Dr. A","embeddedLengthMax":-1}""", "embeddedLengthMax" },
        { """{"recipient":"Dr. A","embeddedLengthMax":"many"}""", "embeddedLengthMax" },
        { """{"recipient":42}""", "recipient" },
        { "not json", "body" },
    };

    [Theory]
    [MemberData(nameof(BadManifestRequests))]
    public async Task Manifest_BadRequest_Returns400NamingTheField(string body, string field)
    {
        var patient = await PatientWithProfile();
        var payload = (await patient.CreateShl()).Payload;
        using var viewer = api.Anonymous();

        var response = await viewer.PostAsync(ShlRequests.PathOf(payload.Url), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await response.ShouldBeValidationProblemFor(field);
    }

    [Fact]
    public async Task Manifest_IsRecordedInTheAccessLogAndTheLedger()
    {
        var patient = await PatientWithProfile();
        var created = await patient.CreateShl(new { label = "Wallet", passcode = "correct-4711", include = new { emergencySummary = true } });
        using var viewer = api.Anonymous();

        await viewer.RequestManifest(created.Payload, recipient: "Nurse Nia", passcode: "nope");
        await viewer.Manifest(created.Payload, recipient: "Dr. Ada Lovelace", passcode: "correct-4711");

        var log = (await patient.AccessLog(patient.Id)).Items.Where(e => e.ResourceId == created.Id).ToList();
        log.Should().ContainSingle(e => e.Action == "shl-created" && e.Outcome == "success");
        log.Should().ContainSingle(e => e.Action == "shl-opened" && e.ActorName == "Nurse Nia" && e.Outcome == "wrong-passcode" && e.ActorRole == "recipient");
        log.Should().ContainSingle(e => e.Action == "shl-opened" && e.ActorName == "Dr. Ada Lovelace" && e.Outcome == "success");
        log.Should().OnlyContain(e => e.ResourceType == "smart-health-link" && e.ResourceName == "Wallet");
        var summary = (await patient.ListShl()).Single(l => l.Id == created.Id);
        summary.OpenCount.Should().Be(1);
        summary.LastOpenedBy.Should().Be("Dr. Ada Lovelace");
        summary.LastOpenedAt.Should().NotBeNull();
        (await factory.LedgerBlocks(LedgerBlockKind.ShlCreated, created.Id)).Should().ContainSingle();
        (await factory.LedgerBlocks(LedgerBlockKind.ShlOpened, created.Id)).Should().ContainSingle();
    }

    [Fact]
    public async Task DirectFile_OfAULink_AnswersTheOneJwe()
    {
        var patient = await PatientWithProfile();
        var created = await patient.CreateShl(new { directFile = true, include = new { emergencySummary = true } });
        using var viewer = api.Anonymous();

        var response = await viewer.GetAsync(ShlRequests.PathOf(created.Payload.Url) + "?recipient=" + Uri.EscapeDataString("Dr. Ada Lovelace"));

        created.Flag.Should().Be("U");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/jose");
        response.Headers.CacheControl?.NoStore.Should().BeTrue();
        created.Payload.DecryptJson(await response.Content.ReadAsStringAsync()).GetProperty("type").GetString().Should().Be("document");
        (await patient.AccessLog(patient.Id)).Items.Should().Contain(e => e.Action == "shl-opened" && e.ActorName == "Dr. Ada Lovelace" && e.Outcome == "success");
    }

    [Fact]
    public async Task DirectFile_WithoutRecipient_Returns400()
    {
        var patient = await PatientWithProfile();
        var created = await patient.CreateShl(new { directFile = true, include = new { emergencySummary = true } });
        using var viewer = api.Anonymous();

        var response = await viewer.GetAsync(ShlRequests.PathOf(created.Payload.Url));

        await response.ShouldBeValidationProblemFor("recipient");
    }

    [Fact]
    public async Task DirectFile_OfALinkWithoutU_Returns404()
    {
        var patient = await PatientWithProfile();
        var created = await patient.CreateShl();
        using var viewer = api.Anonymous();

        var response = await viewer.GetAsync(ShlRequests.PathOf(created.Payload.Url) + "?recipient=x");

        await response.ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task List_ShowsTheCallersLinksWithoutSecrets()
    {
        var patient = await PatientWithProfile();
        var file = await patient.Upload(SampleFiles.Pdf(), "scan.pdf");
        var created = await patient.CreateShl(new { label = "Both", passcode = "secret-pass", include = new { emergencySummary = true, fileIds = new[] { file.Id } } });

        var response = await patient.Client.GetAsync("/api/shl");

        var body = await response.Content.ReadAsStringAsync();
        var links = await response.ReadAs<List<ShlSummaryAnswer>>();
        var link = links.Should().ContainSingle().Subject;
        link.Should().BeEquivalentTo(new { created.Id, Label = "Both", Flag = "P", Status = "active", OpenCount = 0, RemainingAttempts = 10 });
        link.Includes.EmergencySummary.Should().BeTrue();
        link.Includes.FileIds.Should().Equal(file.Id);
        body.Should().NotContainAny(created.Payload.Key, created.Payload.Url.Split('/')[^1], "secret-pass", "pbkdf2");
        response.Headers.CacheControl?.NoStore.Should().BeTrue();
    }

    [Fact]
    public async Task Endpoints_Anonymous_Return401()
    {
        using var anonymous = api.Anonymous();

        var create = await anonymous.PostAsJsonAsync("/api/shl", new { include = new { emergencySummary = true } });
        var list = await anonymous.GetAsync("/api/shl");
        var revoke = await anonymous.DeleteAsync($"/api/shl/{Guid.NewGuid()}");

        create.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        list.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        revoke.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Revoke_AnotherPatientsLink_Returns404AndChangesNothing()
    {
        var owner = await PatientWithProfile();
        var created = await owner.CreateShl();
        var stranger = await api.RegisterPatient();

        var response = await stranger.Client.DeleteAsync($"/api/shl/{created.Id}");

        await response.ShouldBeProblem(HttpStatusCode.NotFound);
        (await stranger.ListShl()).Should().BeEmpty();
        (await owner.ListShl()).Single().Status.Should().Be("active");
        using var viewer = api.Anonymous();
        (await viewer.RequestManifest(created.Payload)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Revoke_IsImmediateIdempotentAndInTheLedger()
    {
        var patient = await PatientWithProfile();
        var created = await patient.CreateShl();

        var first = await patient.Client.DeleteAsync($"/api/shl/{created.Id}");
        var second = await patient.Client.DeleteAsync($"/api/shl/{created.Id}");

        first.StatusCode.Should().Be(HttpStatusCode.NoContent);
        second.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await factory.LedgerBlocks(LedgerBlockKind.ShlRevoked, created.Id)).Should().ContainSingle();
        (await patient.AccessLog(patient.Id)).Items.Should().ContainSingle(e => e.Action == "shl-revoked" && e.ResourceId == created.Id);
    }

    [Fact]
    public async Task Revoke_UnknownId_Returns404()
    {
        var patient = await PatientWithProfile();

        var response = await patient.Client.DeleteAsync($"/api/shl/{Guid.NewGuid()}");

        await response.ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Create_AnotherPatientsFile_Returns400AsIfUnknown()
    {
        var owner = await PatientWithProfile();
        var file = await owner.Upload(SampleFiles.Pdf(), "private.pdf");
        var stranger = await PatientWithProfile();

        var response = await stranger.PostShl(new { include = new { fileIds = new[] { file.Id } } });

        var problem = await response.ShouldBeValidationProblemFor("include.fileIds[0]");
        problem.Errors!["include.fileIds[0]"].Should().Equal("No such file.");
    }

    [Fact]
    public async Task Create_ByADoctor_Returns404()
    {
        var doctor = await api.RegisterDoctor();

        var response = await doctor.PostShl(new { include = new { emergencySummary = true } });

        await response.ShouldBeProblem(HttpStatusCode.NotFound);
    }

    public static TheoryData<string, string> BadCreateRequests() => new()
    {
        { """{"label":"{{L}}","include":{"emergencySummary":true}}""".Replace("{{L}}", new string('l', 81), StringComparison.Ordinal), "label" },
        { """{"label":"a\u0001","include":{"emergencySummary":true}}""", "label" },
        { """{"expiresInMinutes":4,"include":{"emergencySummary":true}}""", "expiresInMinutes" },
        { """{"expiresInMinutes":525601,"include":{"emergencySummary":true}}""", "expiresInMinutes" },
        { """{"passcode":"123","include":{"emergencySummary":true}}""", "passcode" },
        { """{"passcode":"12345","maxPasscodeAttempts":0,"include":{"emergencySummary":true}}""", "maxPasscodeAttempts" },
        { """{"passcode":"12345","maxPasscodeAttempts":101,"include":{"emergencySummary":true}}""", "maxPasscodeAttempts" },
        { """{"maxPasscodeAttempts":3,"include":{"emergencySummary":true}}""", "maxPasscodeAttempts" },
        { """{"directFile":true,"passcode":"12345","include":{"emergencySummary":true}}""", "directFile" },
        { """{"directFile":true,"include":{"emergencySummary":true,"fileIds":["0190c0de-0000-7000-8000-000000000001"]}}""", "directFile" },
        { """{"label":"no include"}""", "include" },
        { """{"include":{}}""", "include" },
        { """{"include":{"emergencySummary":false,"fileIds":[]}}""", "include" },
        { """{"include":{"fileIds":["0190c0de-0000-7000-8000-000000000001","0190c0de-0000-7000-8000-000000000001"]}}""", "include.fileIds" },
        { """{"include":{"fileIds":["00000000-0000-0000-0000-000000000000"]}}""", "include.fileIds" },
        { """{"include":{"fileIds":["0190c0de-0000-7000-8000-000000000001"]}}""", "include.fileIds[0]" },
        { """{"include":{"fileIds":["not-a-guid"]}}""", "include.fileIds[0]" },
        { """{"longTerm":"yes","include":{"emergencySummary":true}}""", "longTerm" },
        { "[]", "body" },
    };

    [Theory]
    [MemberData(nameof(BadCreateRequests))]
    public async Task Create_BadRequest_Returns400NamingTheField(string body, string field)
    {
        var patient = await PatientWithProfile();

        var response = await patient.Client.PostAsync("/api/shl", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await response.ShouldBeValidationProblemFor(field);
        (await patient.ListShl()).Should().BeEmpty();
    }

    [Fact]
    public async Task Create_TooManyFiles_Returns400()
    {
        var patient = await PatientWithProfile();
        var ids = Enumerable.Range(0, 11).Select(_ => Guid.NewGuid()).ToArray();

        var response = await patient.PostShl(new { include = new { fileIds = ids } });

        await response.ShouldBeValidationProblemFor("include.fileIds");
    }

    [Fact]
    public async Task ManifestEndpoints_AllowAnyOriginWithoutCredentials()
    {
        var patient = await PatientWithProfile();
        var payload = (await patient.CreateShl()).Payload;
        using var viewer = api.Anonymous();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, ShlRequests.PathOf(payload.Url));
        preflight.Headers.Add("Origin", "https://viewer.example.org");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");
        using var post = new HttpRequestMessage(HttpMethod.Post, ShlRequests.PathOf(payload.Url)) { Content = JsonContent.Create(new { recipient = "Elsewhere" }) };
        post.Headers.Add("Origin", "https://viewer.example.org");

        var preflightResponse = await viewer.SendAsync(preflight);
        var postResponse = await viewer.SendAsync(post);

        preflightResponse.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal("*");
        preflightResponse.Headers.Contains("Access-Control-Allow-Credentials").Should().BeFalse();
        postResponse.StatusCode.Should().Be(HttpStatusCode.OK);
        postResponse.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal("*");
    }

    [Fact]
    public async Task Logs_NeverHoldTheKeyThePasscodeOrTheManifestId()
    {
        var patient = await PatientWithProfile();
        var created = await patient.CreateShl(new { passcode = "Sesame-Logcheck-93", longTerm = true, include = new { emergencySummary = true } });
        var payload = created.Payload;
        using var viewer = api.Anonymous();
        await viewer.RequestManifest(payload, passcode: "Wrong-Logcheck-17");
        var manifest = await viewer.Manifest(payload, passcode: "Sesame-Logcheck-93", embeddedLengthMax: 0);
        await viewer.GetAsync(ShlRequests.PathOf(manifest.Files[0].Location!));

        var logs = string.Join('\n', factory.Logs.Lines);

        logs.Should().Contain("/api/shl/m/{token}", "the requests were logged, with the id cut out");
        logs.Should().NotContainAny(payload.Key, payload.Url.Split('/')[^1], created.Shlink[8..], "Sesame-Logcheck-93", "Wrong-Logcheck-17",
            manifest.Files[0].Location!.Split('/')[^1]);
    }
}

/// <summary>The per-client limit on the anonymous SMART Health Link endpoints.</summary>
public sealed class SmartHealthLinkRateLimitTests : IClassFixture<SmartHealthLinkRateLimitTests.LimitedFactory>
{
    public sealed class LimitedFactory : MediVaultFactory
    {
        public LimitedFactory() => Settings["MediVault:RateLimits:ShlPerMinute"] = "2";
    }

    private readonly Api api;

    public SmartHealthLinkRateLimitTests(LimitedFactory factory) => api = new Api(factory);

    [Fact]
    public async Task Manifest_OverTheLimit_Returns429WithRetryAfter()
    {
        using var viewer = api.Anonymous();
        var path = "/api/shl/m/" + new string('A', 43);

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
            answers.Add(await viewer.PostAsJsonAsync(path, new { recipient = "Flooder" }));

        answers[0].StatusCode.Should().Be(HttpStatusCode.NotFound);
        answers[1].StatusCode.Should().Be(HttpStatusCode.NotFound);
        await answers[2].ShouldBeProblem(HttpStatusCode.TooManyRequests);
        answers[2].Headers.RetryAfter.Should().NotBeNull();
    }
}
