using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediVault.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace MediVault.IntegrationTests;

/// <summary>Exporting a vault (GET /api/export) and the password check it needs (POST /api/auth/reauthenticate).</summary>
public sealed class ExportTests(MediVaultFactory factory) : IClassFixture<MediVaultFactory>
{
    private readonly Api _api = new(factory);

    [Fact]
    public async Task Export_AfterReauthentication_HoldsEveryPart()
    {
        var patient = await _api.RegisterPatient("Export Patient");
        var first = SampleFiles.Pdf(50_000);
        var second = SampleFiles.Pdf(7_000);
        await patient.Upload(first, "report.pdf", ("category", "lab-report"), ("description", "Lipids"));
        await patient.Upload(second, "report.pdf");
        await patient.SaveProfile();

        using var archive = await patient.Export();

        var receipts = JsonDocument.Parse(await archive.ReadText("ledger.json")).RootElement.GetProperty("entries")
            .EnumerateArray().Select(e => $"receipts/{e.GetProperty("index").GetInt64()}.txt");
        archive.Entries.Select(e => e.FullName).Should().BeEquivalentTo(
            ["README.txt", "files/report.pdf", "files/report (2).pdf", "files.json", "emergency-profile.json",
             "emergency-profile.ips.json", "access-log.csv", "access-log.json", "ledger.json", .. receipts,
             "ledger-key.txt", "verify-receipt.mjs", "account.json"]);
        (await archive.ReadBytes("files/report.pdf")).Should().Equal(first);
        (await archive.ReadBytes("files/report (2).pdf")).Should().Equal(second);
        (await archive.ReadText("files.json")).Should().Contain("Lipids").And.Contain("files/report (2).pdf");
        (await archive.ReadText("emergency-profile.json")).Should().Contain("Penicillin");
        (await archive.ReadText("README.txt")).Should().Contain("access-log.csv").And.Contain("ledger.json");
        var ledger = JsonDocument.Parse(await archive.ReadText("ledger.json")).RootElement;
        ledger.GetProperty("chain").GetProperty("valid").GetBoolean().Should().BeTrue();
        ledger.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("kind").GetString())
            .Should().Equal("file-uploaded", "file-uploaded", "profile-updated");
    }

    [Fact]
    public async Task Export_Account_ListsPasskeysGrantsAndCodes_AndNoSecret()
    {
        var patient = await _api.RegisterPatient("Account Patient");
        var doctor = await _api.RegisterDoctor("Dr. Export Grant");
        using var passkey = new SoftwarePasskey();
        await passkey.RegisterAsync(patient.Client, "Phone key");
        (await patient.Client.PostAsJsonAsync("/api/access-grants", new { doctorEmail = doctor.Email })).StatusCode.Should().Be(HttpStatusCode.Created);
        var code = await patient.GenerateQr(new { label = "Wallet card" });

        using var archive = await patient.Export();

        var text = await archive.ReadText("account.json");
        var account = JsonDocument.Parse(text).RootElement;
        account.GetProperty("account").GetProperty("email").GetString().Should().Be(patient.Email);
        account.GetProperty("passkeys").EnumerateArray().Select(p => p.GetProperty("name").GetString()).Should().Equal("Phone key");
        account.GetProperty("grants").EnumerateArray().Select(g => g.GetProperty("doctorEmail").GetString()).Should().Equal(doctor.Email);
        account.GetProperty("qrCodes").EnumerateArray().Select(c => c.GetProperty("label").GetString()).Should().Equal("Wallet card");
        text.Should().NotContain(code.Token, "an emergency code's token opens the profile").And.NotContain(passkey.CredentialIdText)
            .And.NotContain("passwordHash", "no secret of the account leaves in the export")
            .And.NotContain(patient.Password);
    }

    [Fact]
    public async Task Export_EmergencyProfile_IsAlsoTheIpsDocumentOfPatientSummary()
    {
        var patient = await _api.RegisterPatient();
        await patient.SaveProfile();

        using var archive = await patient.Export();

        var bundle = JsonDocument.Parse(await archive.ReadText("emergency-profile.ips.json")).RootElement;
        bundle.GetProperty("resourceType").GetString().Should().Be("Bundle");
        bundle.GetProperty("type").GetString().Should().Be("document");
        var composition = bundle.GetProperty("entry")[0].GetProperty("resource");
        composition.GetProperty("resourceType").GetString().Should().Be("Composition");
        var code = composition.GetProperty("type").GetProperty("coding")[0];
        code.GetProperty("system").GetString().Should().Be("http://loinc.org");
        code.GetProperty("code").GetString().Should().Be("60591-5");
        bundle.GetRawText().Should().Contain("Penicillin");
        (await archive.ReadText("README.txt")).Should().Contain("emergency-profile.ips.json").And.Contain("$summary");
    }

    [Fact]
    public async Task Export_WithoutProfile_StillHoldsAnIpsDocument()
    {
        var patient = await _api.RegisterPatient();

        using var archive = await patient.Export();

        archive.GetEntry("emergency-profile.json").Should().BeNull();
        var bundle = JsonDocument.Parse(await archive.ReadText("emergency-profile.ips.json")).RootElement;
        bundle.GetProperty("type").GetString().Should().Be("document");
        var composition = bundle.GetProperty("entry")[0].GetProperty("resource");
        composition.GetProperty("resourceType").GetString().Should().Be("Composition");
        composition.GetProperty("section").EnumerateArray()
            .Select(section => section.GetProperty("emptyReason").GetProperty("coding")[0].GetProperty("code").GetString())
            .Should().NotBeEmpty().And.OnlyContain(code => code == "unavailable");
        (await archive.ReadText("README.txt")).Should().Contain("\"unavailable\"");
    }

    [Fact]
    public async Task Export_LedgerReceipts_VerifyWithNodeAndLeaveOutOtherPatients()
    {
        var patient = await _api.RegisterPatient();
        var other = await _api.RegisterPatient();
        var content = SampleFiles.Pdf(9_000);
        var upload = await patient.Upload(content, "scan.pdf");
        await patient.SaveProfile();
        var otherUpload = await other.Upload(SampleFiles.Pdf(3_000), "theirs.pdf");
        var pinnedKey = await patient.Client.GetStringAsync("/api/ledger/key");

        using var archive = await patient.Export();

        var ledgerIndexes = JsonDocument.Parse(await archive.ReadText("ledger.json")).RootElement.GetProperty("entries")
            .EnumerateArray().Select(e => e.GetProperty("index").GetInt64()).ToList();
        ledgerIndexes.Should().HaveCount(2).And.StartWith(upload.LedgerIndex); // the upload, then the profile
        archive.Entries.Select(e => e.FullName).Where(n => n.StartsWith("receipts/", StringComparison.Ordinal))
            .Should().BeEquivalentTo(ledgerIndexes.Select(i => $"receipts/{i}.txt"));
        archive.GetEntry($"receipts/{otherUpload.LedgerIndex}.txt").Should().BeNull();
        (await archive.ReadText("ledger-key.txt")).Trim().Should().Be(pinnedKey.Trim());
        var receipt = await archive.ReadText($"receipts/{upload.LedgerIndex}.txt");
        // The same entry as a receipt asked for now. The proofs may differ: a receipt proves against the newest checkpoint,
        // and one signed after the export (the export's own log rows grow the ledger) gives the later receipt a larger tree.
        var exported = Receipt.Parse(receipt);
        var askedNow = Receipt.Parse(await patient.Client.GetStringAsync($"/api/ledger/entries/{upload.LedgerIndex}/receipt"));
        exported.Entry.Should().Equal(askedNow.Entry);
        exported.Index.Should().Be(askedNow.Index);
        exported.Checkpoint.Size.Should().BeLessThanOrEqualTo(askedNow.Checkpoint.Size);
        exported.VerifiesWith(pinnedKey).Should().BeTrue();
        Receipt.Parse(receipt).PayloadHash.Should().Be(NodeVerifier.Sha256Hex(content));
        (await archive.ReadText("verify-receipt.mjs")).Should().Be(await File.ReadAllTextAsync(NodeVerifier.ScriptPath));

        var (exitCode, output) = await NodeVerifier.RunAsync(await archive.ReadBytes("files/scan.pdf"), receipt, await archive.ReadText("ledger-key.txt"));
        exitCode.Should().Be(0, output);
        output.Should().StartWith("OK");
        var (forgedExit, _) = await NodeVerifier.RunAsync(SampleFiles.Pdf(9_001), receipt, pinnedKey);
        forgedExit.Should().NotBe(0);
        (await archive.ReadText("README.txt")).Should().Contain("node verify-receipt.mjs").And.Contain("receipts/INDEX.txt");
    }

    [Fact]
    public async Task Export_AccessLog_IsCsvAndJsonWithFormulasDefused()
    {
        var patient = await _api.RegisterPatient();
        var doctor = await _api.RegisterDoctor("=HYPERLINK(\"http://evil\")");
        await patient.SaveProfile();
        await patient.GrantAccessTo(doctor);
        (await doctor.Client.GetAsync($"/api/emergency-profile/{patient.Id}")).StatusCode.Should().Be(HttpStatusCode.OK);

        using var archive = await patient.Export();

        var csv = (await archive.ReadText("access-log.csv")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        csv[0].Should().Be("timestamp,action,actorId,actorName,actorRole,resourceType,resourceId,ipAddress,userAgent,outcome");
        csv.Should().Contain(line => line.Contains("profile-viewed") && line.Contains("\"'=HYPERLINK(\"\"http://evil\"\")\""));
        var json = JsonDocument.Parse(await archive.ReadText("access-log.json")).RootElement;
        json.GetArrayLength().Should().Be(csv.Length - 1);
    }

    [Fact]
    public async Task Export_Response_IsANoStoreZipAttachment()
    {
        var patient = await _api.RegisterPatient();

        var response = await patient.Client.GetExport(await patient.Reauthenticate());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/zip");
        response.Content.Headers.ContentDisposition!.DispositionType.Should().Be("attachment");
        response.Content.Headers.ContentDisposition.FileName.Should().StartWith("medivault-export-");
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
    }

    [Fact]
    public async Task Export_InABrowser_UsesTheProofCookieSetByReauthentication()
    {
        var patient = await _api.RegisterPatient();
        using var client = _api.Anonymous();
        var login = await client.PostAsJsonAsync("/api/auth/login", new { email = patient.Email, password = patient.Password });
        var cookies = login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).ToList();
        var session = string.Join("; ", cookies);
        var xsrf = cookies.Single(c => c.StartsWith("XSRF-TOKEN=", StringComparison.Ordinal))["XSRF-TOKEN=".Length..];
        using var reauthenticate = new HttpRequestMessage(HttpMethod.Post, "/api/auth/reauthenticate") { Content = JsonContent.Create(new { password = patient.Password }) };
        reauthenticate.Headers.Add("Cookie", session);
        reauthenticate.Headers.Add("X-XSRF-TOKEN", xsrf);
        var proof = await client.SendAsync(reauthenticate);
        var proofCookie = proof.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("mv_reauth=", StringComparison.Ordinal));
        using var export = new HttpRequestMessage(HttpMethod.Get, "/api/export");
        export.Headers.Add("Cookie", session + "; " + proofCookie.Split(';')[0]);

        var response = await client.SendAsync(export);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/zip");
        proofCookie.Should().ContainEquivalentOf("httponly").And.ContainEquivalentOf("path=/api/export").And.ContainEquivalentOf("samesite=strict");
    }

    [Fact]
    public async Task Export_Anonymous_Returns401()
    {
        using var anonymous = _api.Anonymous();

        var response = await anonymous.GetExport("anything");

        await response.ShouldBeProblem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Export_WithoutProof_Returns403SayingWhatToDo()
    {
        var patient = await _api.RegisterPatient();

        var response = await patient.Client.GetExport(proof: null);

        (await response.ShouldBeProblem(HttpStatusCode.Forbidden)).Detail.Should().Contain("/api/auth/reauthenticate");
    }

    [Theory]
    [InlineData("not-a-proof")]
    [InlineData("")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Export_MalformedProof_Returns403(string proof)
    {
        var patient = await _api.RegisterPatient();

        var response = await patient.Client.GetExport(proof);

        await response.ShouldBeProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Export_AnotherPatientsProof_Returns403()
    {
        var owner = await _api.RegisterPatient();
        var stranger = await _api.RegisterPatient();
        await owner.Upload(SampleFiles.Pdf(), "owner-only.pdf");

        var response = await stranger.Client.GetExport(await owner.Reauthenticate());

        await response.ShouldBeProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Export_Doctor_Returns403()
    {
        var doctor = await _api.RegisterDoctor();

        var response = await doctor.Client.GetExport(await doctor.Reauthenticate());

        await response.ShouldBeProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Reauthenticate_WrongPassword_Returns400OnPassword()
    {
        var patient = await _api.RegisterPatient();

        var response = await patient.Client.PostReauthenticate("Not-The-Password-1");

        await response.ShouldBeValidationProblemFor("password");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"password\":\"\"}")]
    [InlineData("{\"password\":42}")]
    [InlineData("null")]
    [InlineData("not json")]
    public async Task Reauthenticate_BadBody_Returns400(string body)
    {
        var patient = await _api.RegisterPatient();

        var response = await patient.Client.PostAsync("/api/auth/reauthenticate", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest);
        problem.Detail.Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task Reauthenticate_Anonymous_Returns401()
    {
        using var anonymous = _api.Anonymous();

        var response = await anonymous.PostReauthenticate(Api.StrongPassword);

        await response.ShouldBeProblem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Export_ProofOlderThanFiveMinutes_Returns403()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var timed = new MediVaultFactory { Clock = clock };
        var patient = await new Api(timed).RegisterPatient();
        var proof = await patient.Reauthenticate();
        (await patient.Client.GetExport(proof)).StatusCode.Should().Be(HttpStatusCode.OK);

        clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var response = await patient.Client.GetExport(proof);

        await response.ShouldBeProblem(HttpStatusCode.Forbidden);
    }
}

/// <summary>Deleting an account for good (DELETE /api/auth/me).</summary>
public sealed class AccountDeletionTests(MediVaultFactory factory) : IClassFixture<MediVaultFactory>
{
    private readonly Api _api = new(factory);

    [Fact]
    public async Task Delete_WithPassword_EndsSessionsKeepsTheLedgerAndLeavesNoPlaintext()
    {
        var marker = "Zq" + Guid.NewGuid().ToString("N")[..12];
        var directory = MediVaultFactory.NewDataDirectoryPath();
        var own = MediVaultFactory.OnDataDirectory(directory);
        own.Settings["MediVault:RateLimits:AuthPerMinute"] = "0";
        var api = new Api(own);
        var patient = await api.RegisterPatient("Name" + marker);
        var doctor = await api.RegisterDoctor();
        var file = await patient.Upload(SampleFiles.Text("content" + marker), "file" + marker + ".txt", ("description", "desc" + marker));
        (await patient.Client.DeleteAsync($"/api/files/{file.Id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        await patient.Upload(SampleFiles.Text("second" + marker), "kept" + marker + ".txt", ("description", "desc2" + marker));
        await patient.SaveProfile(new
        {
            bloodType = "A+",
            allergies = new[] { new { substance = "allergy" + marker, reaction = "rash", severity = "severe" } },
            conditions = Array.Empty<object>(),
            medications = Array.Empty<object>(),
            emergencyContacts = new[] { new { name = "contact" + marker, relationship = "sister", phone = "+44 20 7946 0000" } },
            organDonor = false,
            medicalNotes = "notes" + marker,
        });
        await patient.GenerateQr(new { label = "qr" + marker });
        await patient.GrantAccessTo(doctor);
        var blocksBefore = await own.InDatabase(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.LedgerBlocks));

        var response = await patient.Client.DeleteAccount(patient.Password);

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await patient.Client.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        using (var anonymous = api.Anonymous())
        {
            (await anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = patient.RefreshToken })).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            (await anonymous.PostAsJsonAsync("/api/auth/login", new { email = patient.Email, password = patient.Password })).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }
        (await (await doctor.Client.GetAsync("/api/doctor/patients")).Content.ReadAsStringAsync()).Should().NotContain(patient.Id.ToString());
        var verification = await (await doctor.Client.GetAsync("/api/ledger/verify")).ReadAs<LedgerVerificationAnswer>();
        verification.Valid.Should().BeTrue();
        verification.Length.Should().Be(blocksBefore + 1);
        var tombstone = await own.InDatabase(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
            db.LedgerBlocks, b => b.Kind == "account-deleted"));
        tombstone.SubjectId.Should().Be(Guid.Empty);
        tombstone.ResourceId.Should().NotBe(patient.Id);
        var dataKeysLeft = await own.InDatabase(db => db.Database.SqlQuery<int>(
            $"SELECT COUNT(*) AS \"Value\" FROM \"PatientDataKeys\" WHERE \"PatientId\" = {patient.Id}").SingleAsync());
        dataKeysLeft.Should().Be(0, "the patient's data key is destroyed with the account (crypto-erasure)");

        await own.DisposeAsync(); // every connection closed: the database files are as they stay on disk
        try
        {
            DataRightsRequests.FilesContaining(directory, marker).Should().BeEmpty();
            DataRightsRequests.FilesContaining(directory, patient.Email).Should().BeEmpty();
        }
        finally
        {
            MediVaultFactory.TryDelete(directory);
        }
    }

    [Fact]
    public async Task Delete_Doctor_RemovesTheAccountAndTheGrantsItHeld()
    {
        var doctor = await _api.RegisterDoctor();
        var patient = await _api.RegisterPatient();
        await patient.GrantAccessTo(doctor);

        var response = await doctor.Client.DeleteAccount(doctor.Password);

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await (await patient.Client.GetAsync("/api/access-grants")).Content.ReadAsStringAsync()).Should().NotContain(doctor.Id.ToString());
        (await doctor.Client.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Delete_WrongPassword_Returns400AndKeepsEverything()
    {
        var patient = await _api.RegisterPatient();
        await patient.Upload(SampleFiles.Pdf());

        var response = await patient.Client.DeleteAccount("Not-The-Password-1");

        await response.ShouldBeValidationProblemFor("password");
        (await (await patient.Client.GetAsync($"/api/files/{patient.Id}")).ReadAs<FilePage>()).TotalCount.Should().Be(1);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"password\":\"\"}")]
    [InlineData("{\"password\":[1]}")]
    [InlineData("null")]
    [InlineData("")]
    public async Task Delete_BadBody_Returns400(string body)
    {
        var patient = await _api.RegisterPatient();

        var response = await patient.Client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/api/auth/me")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        });

        var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest);
        problem.Detail.Should().NotBeNullOrWhiteSpace();
        (await patient.Client.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Delete_Anonymous_Returns401()
    {
        using var anonymous = _api.Anonymous();

        var response = await anonymous.DeleteAccount(Api.StrongPassword);

        await response.ShouldBeProblem(HttpStatusCode.Unauthorized);
    }
}
