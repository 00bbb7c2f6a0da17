using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using MediVault.Application.Common.Abstractions;
using MediVault.Domain.Ledger;
using MediVault.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MediVault.IntegrationTests;

public sealed class QrCodeTests(MediVaultFactory factory) : IClassFixture<MediVaultFactory>
{
    private readonly Api api = new(factory);

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(text)));

    private static Task<HttpResponseMessage> Access(HttpClient client, string token) => client.GetAsync($"/api/qr/access/{token}");

    // ---- POST /api/qr/generate

    [Fact]
    public async Task Generate_Defaults_Returns201WithTokenLinkAndImages()
    {
        var patient = await api.RegisterPatient();

        var response = await patient.Client.PostAsJsonAsync("/api/qr/generate", new { });

        var code = await response.ReadAs<QrCreatedAnswer>(HttpStatusCode.Created);
        code.Id.Should().NotBeEmpty();
        code.Token.Should().MatchRegex("^[A-Za-z0-9_-]{43}$", "256 random bits in base64url");
        code.AccessUrl.Should().Be($"http://localhost/emergency/{code.Token}");
        code.ExpiresAt.Should().BeCloseTo(DateTime.UtcNow.AddMinutes(1440), TimeSpan.FromMinutes(1));
        code.Label.Should().BeNull();
        code.MaxUses.Should().BeNull();
        Convert.FromBase64String(code.QrCodePng).AsSpan(0, 4).ToArray().Should().Equal(0x89, (byte)'P', (byte)'N', (byte)'G');
        code.QrCodeSvg.Should().StartWith("<svg");
    }

    [Fact]
    public async Task Generate_LabelExpiryAndUseLimit_AreKept()
    {
        var patient = await api.RegisterPatient();

        var code = await patient.GenerateQr(new { expiresInMinutes = 5, label = "Wallet card", maxUses = 3 });

        code.ExpiresAt.Should().BeCloseTo(DateTime.UtcNow.AddMinutes(5), TimeSpan.FromMinutes(1));
        code.Label.Should().Be("Wallet card");
        code.MaxUses.Should().Be(3);
    }

    [Fact]
    public async Task Generate_Png_DecodesWithZbarimgToExactlyThePathFreeUrl()
    {
        var patient = await api.RegisterPatient();
        var code = await patient.GenerateQr();
        var png = Path.Combine(factory.DataDirectory, $"qr-{code.Id:N}.png");
        await File.WriteAllBytesAsync(png, Convert.FromBase64String(code.QrCodePng));

        var decoded = await Zbarimg(png);

        decoded.Should().Be(code.QrCodeUrl).And.Be($"http://localhost/emergency#t={code.Token}", "the token travels in the fragment");
    }

    [Fact]
    public async Task Generate_PublicBaseUrlConfigured_LinksToIt()
    {
        await using var configured = new MediVaultFactory();
        configured.Settings["MediVault:PublicBaseUrl"] = "https://vault.example/";
        var patient = await new Api(configured).RegisterPatient();

        var code = await patient.GenerateQr();

        code.AccessUrl.Should().Be($"https://vault.example/emergency/{code.Token}");
        code.QrCodeUrl.Should().Be($"https://vault.example/emergency#t={code.Token}");
    }

    [Trait("Category", TestConfiguration.EmbeddedOnly)] // searches the SQLite files for the token
    [Fact]
    public async Task Generate_Token_IsStoredOnlyAsItsHash()
    {
        var patient = await api.RegisterPatient();

        var code = await patient.GenerateQr();

        var stored = await factory.InDatabase(db => db.QrAccessCodes.AsNoTracking().SingleAsync(c => c.Id == code.Id));
        stored.TokenHash.Should().Be(Sha256Hex(code.Token));
        foreach (var file in Directory.GetFiles(factory.DataDirectory, "medivault.db*"))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.Latin1);
            (await reader.ReadToEndAsync()).Should().NotContain(code.Token, $"{Path.GetFileName(file)} must not hold the token");
        }
    }

    [Fact]
    public async Task Generate_AppendsQrGeneratedBlockWithTheTokenHash()
    {
        var patient = await api.RegisterPatient();

        var code = await patient.GenerateQr();

        var block = (await factory.LedgerBlocks(LedgerBlockKind.QrGenerated, code.Id)).Should().ContainSingle().Subject;
        block.PayloadHash.Should().Be(Sha256Hex(code.Token));
        block.SubjectId.Should().Be(patient.Id);
        (await patient.AccessLog(patient.Id)).Items.Should().ContainSingle(e => e.Action == "qr-generated")
            .Which.Should().BeEquivalentTo(new { ActorRole = "patient", ResourceType = "qr-code", ResourceId = (Guid?)code.Id, Outcome = "success" });
    }

    public static TheoryData<string, string> BadRequests => new()
    {
        { "expiresInMinutes", """{ "expiresInMinutes": 4 }""" },
        { "expiresInMinutes", """{ "expiresInMinutes": 43201 }""" },
        { "maxUses", """{ "maxUses": 0 }""" },
        { "maxUses", """{ "maxUses": -3 }""" },
        { "label", $$"""{ "label": "{{new string('x', 101)}}" }""" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Generate_BadInput_Returns400NamingTheField(string field, string json)
    {
        var patient = await api.RegisterPatient();

        var response = await patient.Client.PostAsync("/api/qr/generate", new StringContent(json, Encoding.UTF8, "application/json"));

        await response.ShouldBeValidationProblemFor(field);
        (await patient.ListQrCodes()).Should().BeEmpty();
    }

    [Fact]
    public async Task Generate_Anonymous_Returns401()
    {
        using var anonymous = api.Anonymous();

        var response = await anonymous.PostAsJsonAsync("/api/qr/generate", new { });

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Generate_Doctor_Returns404BecauseDoctorsHaveNoEmergencyProfile()
    {
        var doctor = await api.RegisterDoctor();

        var response = await doctor.Client.PostAsJsonAsync("/api/qr/generate", new { });

        await response.ShouldBeProblem(HttpStatusCode.NotFound);
    }

    // ---- GET /api/qr/codes

    [Fact]
    public async Task List_OwnCodes_NewestFirstWithStatusAndNoTokens()
    {
        var patient = await api.RegisterPatient();
        var first = await patient.GenerateQr(new { label = "first", maxUses = 1 });
        var second = await patient.GenerateQr(new { label = "second" });
        var third = await patient.GenerateQr(new { label = "third" });
        (await patient.Client.DeleteAsync($"/api/qr/{second.Id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        using var responder = api.Anonymous();
        (await Access(responder, first.Token)).StatusCode.Should().Be(HttpStatusCode.OK);

        var response = await patient.Client.GetAsync("/api/qr/codes");

        var body = await response.Content.ReadAsStringAsync();
        body.Should().NotContain(first.Token).And.NotContain(second.Token).And.NotContain(third.Token).And.NotContain("\"token\"");
        var codes = await response.ReadAs<List<QrSummaryAnswer>>();
        codes.Select(c => (c.Id, c.Status)).Should().Equal((third.Id, "active"), (second.Id, "revoked"), (first.Id, "exhausted"));
        codes[2].Should().BeEquivalentTo(new { Label = "first", UseCount = 1, MaxUses = (int?)1, RevokedAt = (DateTime?)null });
        codes[1].RevokedAt.Should().NotBeNull();
    }

    [Fact]
    public async Task List_OtherPatient_SeesNoneOfMyCodes()
    {
        var owner = await api.RegisterPatient();
        await owner.GenerateQr();
        var stranger = await api.RegisterPatient();

        var codes = await stranger.ListQrCodes();

        codes.Should().BeEmpty();
    }

    [Fact]
    public async Task List_Anonymous_Returns401()
    {
        using var anonymous = api.Anonymous();

        (await anonymous.GetAsync("/api/qr/codes")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    // ---- DELETE /api/qr/{id}

    [Fact]
    public async Task Revoke_OwnCode_Returns204AndTheCodeStopsWorking()
    {
        var patient = await api.RegisterPatient();
        await patient.SaveProfile();
        var code = await patient.GenerateQr();
        using var responder = api.Anonymous();
        (await Access(responder, code.Token)).StatusCode.Should().Be(HttpStatusCode.OK);

        var response = await patient.Client.DeleteAsync($"/api/qr/{code.Id}");

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        var problem = await (await Access(responder, code.Token)).ShouldBeProblem(HttpStatusCode.Gone);
        problem.Detail.Should().Contain("revoked");
        var block = (await factory.LedgerBlocks(LedgerBlockKind.QrRevoked, code.Id)).Should().ContainSingle().Subject;
        block.PayloadHash.Should().Be(Sha256Hex(code.Token));
        (await patient.AccessLog(patient.Id)).Items.Should().ContainSingle(e => e.Action == "qr-revoked")
            .Which.Should().BeEquivalentTo(new { ActorRole = "patient", ResourceId = (Guid?)code.Id });
    }

    [Fact]
    public async Task Revoke_Twice_Returns204AndRecordsOnce()
    {
        var patient = await api.RegisterPatient();
        var code = await patient.GenerateQr();
        (await patient.Client.DeleteAsync($"/api/qr/{code.Id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        var response = await patient.Client.DeleteAsync($"/api/qr/{code.Id}");

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await factory.LedgerBlocks(LedgerBlockKind.QrRevoked, code.Id)).Should().ContainSingle();
    }

    [Fact]
    public async Task Revoke_OtherPatientsCode_Returns404AndTheCodeStillWorks()
    {
        var owner = await api.RegisterPatient();
        var code = await owner.GenerateQr();
        var stranger = await api.RegisterPatient();

        var response = await stranger.Client.DeleteAsync($"/api/qr/{code.Id}");

        var problem = await response.ShouldBeProblem(HttpStatusCode.NotFound);
        problem.Detail.Should().Be("No such emergency code.", "the refusal comes from the revoke handler, not from a missing route");
        using var responder = api.Anonymous();
        (await Access(responder, code.Token)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await owner.Client.DeleteAsync($"/api/qr/{code.Id}")).StatusCode.Should().Be(HttpStatusCode.NoContent, "the owner's request on the same route succeeds");
        (await Access(responder, code.Token)).StatusCode.Should().Be(HttpStatusCode.Gone);
    }

    [Fact]
    public async Task Revoke_UnknownId_Returns404_WhileTheSameRouteRevokesARealCode()
    {
        var patient = await api.RegisterPatient();
        var code = await patient.GenerateQr();

        var unknown = await patient.Client.DeleteAsync($"/api/qr/{Guid.CreateVersion7()}");
        var real = await patient.Client.DeleteAsync($"/api/qr/{code.Id}");

        var problem = await unknown.ShouldBeProblem(HttpStatusCode.NotFound);
        problem.Detail.Should().Be("No such emergency code.");
        real.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await patient.ListQrCodes()).Single().Status.Should().Be("revoked");
    }

    [Fact]
    public async Task Revoke_Anonymous_Returns401()
    {
        var patient = await api.RegisterPatient();
        var code = await patient.GenerateQr();
        using var anonymous = api.Anonymous();

        (await anonymous.DeleteAsync($"/api/qr/{code.Id}")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    // ---- GET /api/qr/access/{token}

    [Fact]
    public async Task Access_ValidToken_Returns200WithProfileAndNoStore()
    {
        var patient = await api.RegisterPatient("Sakshi Verma");
        var profile = await patient.SaveProfile();
        var code = await patient.GenerateQr();
        using var responder = api.Anonymous();

        var response = await Access(responder, code.Token);

        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        var view = await response.ReadAs<EmergencyAccessAnswer>();
        view.PatientName.Should().Be("Sakshi Verma");
        view.DateOfBirth.Should().Be("1990-04-02");
        view.EmergencyProfile.Should().BeEquivalentTo(profile);
        view.ExpiresAt.Should().BeCloseTo(code.ExpiresAt, TimeSpan.FromMilliseconds(1));
        view.AccessedAt.Should().BeCloseTo(DateTime.UtcNow, TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Access_NoProfileYet_Returns200WithNameOnly()
    {
        var patient = await api.RegisterPatient("Asha Rao");
        var code = await patient.GenerateQr();
        using var responder = api.Anonymous();

        var view = await (await Access(responder, code.Token)).ReadAs<EmergencyAccessAnswer>();

        view.PatientName.Should().Be("Asha Rao");
        view.EmergencyProfile.Should().BeNull();
        view.DateOfBirth.Should().BeNull();
    }

    [Fact]
    public async Task Access_RecordsAnEmergencyEntryWithUserAgentAndALedgerBlock()
    {
        var patient = await api.RegisterPatient();
        var code = await patient.GenerateQr();
        using var responder = api.Anonymous();
        responder.DefaultRequestHeaders.UserAgent.ParseAdd("Paramedic-Scanner/2.1");

        (await Access(responder, code.Token)).StatusCode.Should().Be(HttpStatusCode.OK);

        var entry = (await patient.AccessLog(patient.Id)).Items.Should().ContainSingle(e => e.Action == "qr-accessed").Subject;
        entry.Should().BeEquivalentTo(new
        {
            ActorId = (Guid?)null,
            ActorRole = "emergency",
            ResourceType = "qr-code",
            ResourceId = (Guid?)code.Id,
            UserAgent = "Paramedic-Scanner/2.1",
            Outcome = "success",
        });
        var block = (await factory.LedgerBlocks(LedgerBlockKind.QrAccessed, code.Id)).Should().ContainSingle().Subject;
        block.PayloadHash.Should().Be(Sha256Hex(code.Token));
        block.SubjectId.Should().Be(patient.Id);
    }

    [Fact]
    public async Task Access_UnknownToken_Returns404WithNoStore()
    {
        using var responder = api.Anonymous();

        var response = await Access(responder, Base64UrlToken());

        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        await response.ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("w82Opd903Y0Wfto5iA1zTEXU1fS_MEUMiYz_ZVrWwHs-too-long")]
    [InlineData("%27%20OR%201%3D1%20--")]
    public async Task Access_MalformedToken_Returns404(string token)
    {
        using var responder = api.Anonymous();

        var response = await Access(responder, token);

        await response.ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Access_TokenOfAnotherCodeWithOneCharacterChanged_Returns404()
    {
        var patient = await api.RegisterPatient();
        var code = await patient.GenerateQr();
        var altered = (code.Token[0] == 'A' ? "B" : "A") + code.Token[1..];
        using var responder = api.Anonymous();

        await (await Access(responder, altered)).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Access_UsedUp_Returns410AndLogsTheRefusal()
    {
        var patient = await api.RegisterPatient();
        var code = await patient.GenerateQr(new { maxUses = 2 });
        using var responder = api.Anonymous();
        (await Access(responder, code.Token)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Access(responder, code.Token)).StatusCode.Should().Be(HttpStatusCode.OK);

        var response = await Access(responder, code.Token);

        var problem = await response.ShouldBeProblem(HttpStatusCode.Gone);
        problem.Detail.Should().Contain("used");
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        var entries = (await patient.AccessLog(patient.Id)).Items.Where(e => e.Action == "qr-accessed").ToList();
        entries.Select(e => e.Outcome).Should().Equal("denied", "success", "success");
        entries.Should().OnlyContain(e => e.ActorRole == "emergency");
        (await patient.ListQrCodes()).Single().Should().BeEquivalentTo(new { UseCount = 2, Status = "exhausted" });
    }

    [Fact]
    public async Task Access_ConcurrentLastUses_ExactlyOneSucceeds()
    {
        var patient = await api.RegisterPatient();
        await patient.SaveProfile();
        var code = await patient.GenerateQr(new { maxUses = 1 });
        using var responder = api.Anonymous();

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Access(responder, code.Token)));

        answers.Count(a => a.StatusCode == HttpStatusCode.OK).Should().Be(1);
        answers.Count(a => a.StatusCode == HttpStatusCode.Gone).Should().Be(11);
        (await patient.ListQrCodes()).Single().UseCount.Should().Be(1);
        (await factory.LedgerBlocks(LedgerBlockKind.QrAccessed, code.Id)).Should().ContainSingle();
    }

    [Fact]
    public async Task Access_ConcurrentUsesOfALimitedCode_SucceedExactlyTheLimit()
    {
        var patient = await api.RegisterPatient();
        var code = await patient.GenerateQr(new { maxUses = 3 });
        using var responder = api.Anonymous();

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Access(responder, code.Token)));

        answers.Count(a => a.StatusCode == HttpStatusCode.OK).Should().Be(3);
        answers.Count(a => a.StatusCode == HttpStatusCode.Gone).Should().Be(7);
        (await patient.ListQrCodes()).Single().UseCount.Should().Be(3);
    }

    [Fact]
    public async Task Access_AfterEverything_LedgerStillVerifies()
    {
        var patient = await api.RegisterPatient();
        await patient.SaveProfile();
        var code = await patient.GenerateQr(new { maxUses = 1 });
        using var responder = api.Anonymous();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Access(responder, code.Token)));
        await patient.Client.DeleteAsync($"/api/qr/{code.Id}");

        await using var scope = factory.Services.CreateAsyncScope();
        var verification = await scope.ServiceProvider.GetRequiredService<ILedger>().VerifyAsync(CancellationToken.None);

        verification.Valid.Should().BeTrue();
        verification.FirstInvalidIndex.Should().BeNull();
    }

    [Fact]
    public async Task Access_Expired_Returns410AndListShowsExpired()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var timed = new MediVaultFactory { Clock = clock };
        var patient = await new Api(timed).RegisterPatient();
        var code = await patient.GenerateQr(new { expiresInMinutes = 5 });
        using var responder = new Api(timed).Anonymous();
        clock.Advance(TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(59));
        (await Access(responder, code.Token)).StatusCode.Should().Be(HttpStatusCode.OK);

        clock.Advance(TimeSpan.FromSeconds(1));
        var response = await Access(responder, code.Token);

        var problem = await response.ShouldBeProblem(HttpStatusCode.Gone);
        problem.Detail.Should().Contain("expired");
        (await patient.ListQrCodes()).Single().Status.Should().Be("expired");
    }

    [Fact]
    public async Task Access_RateLimitReached_Returns429WithRetryAfterForThatAddressOnly()
    {
        await using var limited = new ClientAddressFactory();
        limited.Settings["MediVault:RateLimits:QrAccessPerMinute"] = "3";
        var patient = await new Api(limited).RegisterPatient();
        var code = await patient.GenerateQr();
        using var client = new Api(limited).Anonymous();

        // Guesses count like real tokens. Seven requests within a minute cross at most one window boundary,
        // so with 3 a window at least one of them is refused whatever the timing.
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 7; i++)
            answers.Add(await client.SendAsync(ClientAddressFactory.From("198.51.100.20", $"/api/qr/access/{(i == 0 ? code.Token : Base64UrlToken())}")));
        var otherAddress = await client.SendAsync(ClientAddressFactory.From("198.51.100.21", $"/api/qr/access/{code.Token}"));

        answers.Take(3).Select(a => a.StatusCode).Should().Equal(HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.NotFound);
        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        refused.Should().NotBeEmpty();
        await refused[0].ShouldBeProblem(HttpStatusCode.TooManyRequests);
        refused[0].Headers.RetryAfter!.Delta!.Value.TotalSeconds.Should().BeInRange(1, 60);
        otherAddress.StatusCode.Should().Be(HttpStatusCode.OK, "the limit is per client address");
        (await patient.ListQrCodes()).Should().ContainSingle().Which.UseCount.Should().Be(2, "refused requests never reach the code");
    }

    [Fact]
    public async Task Access_Recorded_WithTheClientAddress()
    {
        await using var addressed = new ClientAddressFactory();
        var patient = await new Api(addressed).RegisterPatient();
        var code = await patient.GenerateQr();
        using var responder = new Api(addressed).Anonymous();

        (await responder.SendAsync(ClientAddressFactory.From("203.0.113.7", $"/api/qr/access/{code.Token}"))).StatusCode.Should().Be(HttpStatusCode.OK);

        (await patient.AccessLog(patient.Id)).Items.Should().ContainSingle(e => e.Action == "qr-accessed")
            .Which.IpAddress.Should().Be("203.0.113.7");
    }

    [Fact]
    public async Task Access_RateLimitOff_NeverRefuses()
    {
        using var responder = api.Anonymous();

        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Access(responder, Base64UrlToken())));

        answers.Should().OnlyContain(a => a.StatusCode == HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task EmergencyFlow_LogsNoTokenAndNoMedicalText()
    {
        var patient = await api.RegisterPatient();
        await patient.SaveProfile(new { allergies = new[] { new { substance = "Unloggable-Allergen-4711", severity = "severe" } } });
        var code = await patient.GenerateQr(new { maxUses = 1 });
        using var responder = api.Anonymous();
        await Access(responder, code.Token);
        await Access(responder, code.Token);
        await responder.GetAsync($"/emergency/{code.Token}");

        var logs = string.Join('\n', factory.Logs.Lines);

        logs.Should().NotContainAny(code.Token, "Unloggable-Allergen-4711");
        logs.Should().Contain("RequestPath:/api/qr/access/{token}", "requests keep their scope, without the token")
            .And.Contain("RequestPath:/emergency/{token}");
    }

    // ---- POST /api/qr/access { "token" }: the path-free form, same answers as the GET

    private static Task<HttpResponseMessage> AccessByBody(HttpClient client, string token) =>
        client.PostAsJsonAsync("/api/qr/access", new { token });

    [Fact]
    public async Task AccessByBody_ValidToken_Returns200WithTheSameViewAsTheGetAndNoStore()
    {
        var patient = await api.RegisterPatient("Meera Iyer");
        var profile = await patient.SaveProfile();
        var code = await patient.GenerateQr();
        using var responder = api.Anonymous();
        var byPath = await (await Access(responder, code.Token)).ReadAs<EmergencyAccessAnswer>();

        var response = await AccessByBody(responder, code.Token);

        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        var view = await response.ReadAs<EmergencyAccessAnswer>();
        view.Should().BeEquivalentTo(byPath, o => o.Excluding(v => v.AccessedAt));
        view.EmergencyProfile.Should().BeEquivalentTo(profile);
        (await patient.ListQrCodes()).Single().UseCount.Should().Be(2, "a read by body is a use like a read by path");
    }

    [Fact]
    public async Task AccessByBody_Anonymous_IsRecordedAsAnEmergencyAccessWithALedgerBlock()
    {
        var patient = await api.RegisterPatient();
        var code = await patient.GenerateQr();
        using var responder = api.Anonymous();

        (await AccessByBody(responder, code.Token)).StatusCode.Should().Be(HttpStatusCode.OK);

        (await patient.AccessLog(patient.Id)).Items.Should().ContainSingle(e => e.Action == "qr-accessed")
            .Which.Should().BeEquivalentTo(new { ActorRole = "emergency", ResourceId = (Guid?)code.Id, Outcome = "success" });
        (await factory.LedgerBlocks(LedgerBlockKind.QrAccessed, code.Id)).Should().ContainSingle()
            .Which.PayloadHash.Should().Be(Sha256Hex(code.Token));
    }

    [Fact]
    public async Task AccessByBody_AnotherPatientsCodeWithOneCharacterChanged_Returns404AndUsesNothing()
    {
        var patient = await api.RegisterPatient();
        await patient.SaveProfile();
        var code = await patient.GenerateQr();
        var altered = (code.Token[^1] == 'A' ? code.Token[..^1] + "B" : code.Token[..^1] + "A");
        var otherPatient = await api.RegisterPatient();

        var response = await AccessByBody(otherPatient.Client, altered);

        var problem = await response.ShouldBeProblem(HttpStatusCode.NotFound);
        problem.Detail.Should().Be("This emergency code is not known.");
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        (await patient.ListQrCodes()).Single().UseCount.Should().Be(0);
    }

    [Fact]
    public async Task AccessByBody_RevokedCode_Returns410WithTheSameDetailAsTheGet()
    {
        var patient = await api.RegisterPatient();
        var code = await patient.GenerateQr();
        (await patient.Client.DeleteAsync($"/api/qr/{code.Id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        using var responder = api.Anonymous();
        var byPath = await (await Access(responder, code.Token)).ShouldBeProblem(HttpStatusCode.Gone);

        var response = await AccessByBody(responder, code.Token);

        var problem = await response.ShouldBeProblem(HttpStatusCode.Gone);
        problem.Detail.Should().Be(byPath.Detail).And.Contain("revoked");
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
    }

    [Theory]
    [InlineData("short")]
    [InlineData("w82Opd903Y0Wfto5iA1zTEXU1fS_MEUMiYz_ZVrWwHs-too-long")]
    [InlineData("' OR 1=1 --")]
    public async Task AccessByBody_MalformedToken_Returns404LikeTheGet(string token)
    {
        using var responder = api.Anonymous();

        var response = await AccessByBody(responder, token);

        await response.ShouldBeProblem(HttpStatusCode.NotFound);
    }

    public static TheoryData<string, string> BadAccessBodies => new()
    {
        { "token", "{}" },
        { "token", """{ "token": "" }""" },
        { "token", """{ "token": null }""" },
        { "token", """{ "token": 42 }""" },
        { "body", "null" },
        { "body", "not json" },
    };

    [Theory]
    [MemberData(nameof(BadAccessBodies))]
    public async Task AccessByBody_BadBody_Returns400NamingTheField(string field, string json)
    {
        using var responder = api.Anonymous();

        var response = await responder.PostAsync("/api/qr/access", new StringContent(json, Encoding.UTF8, "application/json"));

        await response.ShouldBeValidationProblemFor(field);
    }

    [Fact]
    public async Task AccessByBody_NoBody_Returns400()
    {
        using var responder = api.Anonymous();

        var response = await responder.PostAsync("/api/qr/access", content: null);

        (await response.ShouldBeProblem(HttpStatusCode.BadRequest)).Detail.Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task AccessByBody_SharesTheGetsRateLimit_Returns429WithRetryAfter()
    {
        await using var limited = new ClientAddressFactory();
        limited.Settings["MediVault:RateLimits:QrAccessPerMinute"] = "2";
        using var client = new Api(limited).Anonymous();

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 6; i++)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/qr/access") { Content = JsonContent.Create(new { token = Base64UrlToken() }) };
            request.Headers.Add(ClientAddressFactory.Header, "198.51.100.30");
            answers.Add(await client.SendAsync(request));
        }

        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        refused.Should().NotBeEmpty();
        await refused[0].ShouldBeProblem(HttpStatusCode.TooManyRequests);
        refused[0].Headers.RetryAfter!.Delta!.Value.TotalSeconds.Should().BeInRange(1, 60);
    }

    [Fact]
    public async Task PathFreeFlow_LogsNoTokenAndServesThePageWithoutOne()
    {
        var patient = await api.RegisterPatient();
        var code = await patient.GenerateQr();
        using var responder = api.Anonymous();

        var page = await responder.GetAsync("/emergency");
        (await AccessByBody(responder, code.Token)).StatusCode.Should().Be(HttpStatusCode.OK);

        page.StatusCode.Should().Be(HttpStatusCode.OK);
        page.Headers.CacheControl!.NoStore.Should().BeTrue();
        page.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("default-src 'none'");
        (await page.Content.ReadAsStringAsync()).Should().Contain("/emergency/emergency.js");
        string.Join('\n', factory.Logs.Lines).Should().NotContain(code.Token);
    }

    private static string Base64UrlToken() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>Decodes a QR code image with zbarimg (Debian package zbar-tools), an independent decoder.</summary>
    private static async Task<string> Zbarimg(string imagePath)
    {
        var start = new ProcessStartInfo("zbarimg", ["--raw", "--quiet", imagePath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("zbarimg did not start (apt-get install zbar-tools).");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        process.ExitCode.Should().Be(0, "zbarimg finds exactly one QR code");
        return output.TrimEnd('\n');
    }
}
