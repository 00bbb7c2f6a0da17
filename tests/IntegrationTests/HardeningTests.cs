using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MediVault.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MediVault.IntegrationTests;

/// <summary>Regression tests for the defects the security probe found (issue 14, section 1).</summary>
public sealed class HardeningTests(MediVaultFactory factory) : IClassFixture<MediVaultFactory>
{
    private const string IntegrityFailureType = "urn:medivault:problem:integrity-failure";
    private readonly Api api = new(factory);

    // ---- 1. a tampered blob ----

    [Fact]
    [Trait("Category", TestConfiguration.EmbeddedOnly)] // tampers with the file in blobs/
    public async Task Download_TamperedChunkAfterTheFirst_Returns500IntegrityProblemBeforeAnyByte()
    {
        var patient = await api.RegisterPatient();
        var file = await patient.Upload(SampleFiles.Pdf(200_000));
        await FlipByte(factory, file.Id, 150_000); // the third chunk: the first two are intact

        var response = await patient.Client.GetAsync($"/api/files/download/{file.Id}");

        await response.ShouldBeProblem(HttpStatusCode.InternalServerError);
        (await ProblemType(response)).Should().Be(IntegrityFailureType);
        factory.Logs.Lines.Should().Contain(line => line.Contains("Integrity failure in request", StringComparison.Ordinal));
    }

    [Fact]
    [Trait("Category", TestConfiguration.EmbeddedOnly)] // tampers with the file in blobs/
    public async Task Download_RangeOverATamperedChunk_Returns500IntegrityProblem()
    {
        var patient = await api.RegisterPatient();
        var file = await patient.Upload(SampleFiles.Pdf(300_000));
        await FlipByte(factory, file.Id, 150_000); // in the plaintext's third chunk (131 072 … 196 607)
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/files/download/{file.Id}");
        request.Headers.Range = new RangeHeaderValue(120_000, 140_000);

        var response = await patient.Client.SendAsync(request);

        await response.ShouldBeProblem(HttpStatusCode.InternalServerError);
        (await ProblemType(response)).Should().Be(IntegrityFailureType);
    }

    [Fact]
    [Trait("Category", TestConfiguration.EmbeddedOnly)] // tampers with the file in blobs/
    public async Task Download_RangeOverIntactChunksOfATamperedFile_Returns206()
    {
        var patient = await api.RegisterPatient();
        var content = SampleFiles.Pdf(300_000);
        var file = await patient.Upload(content);
        await FlipByte(factory, file.Id, 150_000);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/files/download/{file.Id}");
        request.Headers.Range = new RangeHeaderValue(0, 70_000);

        var response = await patient.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.PartialContent);
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(content[..70_001]);
    }

    [Fact]
    [Trait("Category", TestConfiguration.EmbeddedOnly)] // tampers with the file in blobs/
    public async Task Download_TamperedFileLargerThanTheVerifyLimit_StartsAndAbortsTheTransfer()
    {
        await using var small = new MediVaultFactory();
        small.Settings["MediVault:Files:VerifyBeforeSendBytes"] = "65536";
        var patient = await new Api(small).RegisterPatient();
        var content = SampleFiles.Pdf(300_000);
        var file = await patient.Upload(content);
        await FlipByte(small, file.Id, 150_000);

        var act = async () =>
        {
            using var response = await patient.Client.GetAsync($"/api/files/download/{file.Id}", HttpCompletionOption.ResponseHeadersRead);
            response.StatusCode.Should().Be(HttpStatusCode.OK, "a file above the limit streams before it is all checked");
            return await response.Content.ReadAsByteArrayAsync();
        };

        (await act.Should().ThrowAsync<Exception>()).Which.Should().Match(e => e is HttpRequestException || e is IOException);
    }

    // ---- 3. a NUL in the login and refresh JSON ----

    [Theory]
    [InlineData("/api/auth/login", """{"email":"a\u0000@example.com","password":"Correct-Horse-Battery-42"}""", "email")]
    [InlineData("/api/auth/login", """{"email":"a@example.com","password":"Correct\u0000Horse"}""", "password")]
    [InlineData("/api/auth/refresh", """{"refreshToken":"abc\u0000def"}""", "refreshToken")]
    public async Task SignIn_NulInAField_Returns400WithoutAStackTraceInTheLog(string path, string json, string field)
    {
        using var client = api.Anonymous();
        var linesBefore = factory.Logs.Lines.Count;

        var response = await client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

        await response.ShouldBeValidationProblemFor(field);
        factory.Logs.Lines.Skip(linesBefore).Should().NotContain(line => line.Contains("   at ", StringComparison.Ordinal));
    }

    // ---- 4. malformed multipart ----

    [Theory]
    [InlineData("this is not a multipart body at all")]
    [InlineData("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello, no closing boundary")]
    [InlineData("--b\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\nlab-report")]
    public async Task Upload_MalformedMultipartBody_Returns400Problem(string body)
    {
        var patient = await api.RegisterPatient();
        using var content = new ByteArrayContent(Encoding.ASCII.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=b");

        var response = await patient.Client.PostAsync("/api/files/upload", content);

        (await response.ShouldBeProblem(HttpStatusCode.BadRequest)).Detail.Should().Contain("multipart");
    }

    // ---- 5. file modes of the data directory ----

    [Trait("Category", TestConfiguration.EmbeddedOnly)] // the file modes of medivault.db and its -wal/-shm
    [Fact]
    public async Task DataDirectory_OnCreationAndEveryStart_IsOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
            return;
        var directory = MediVaultFactory.NewDataDirectoryPath();
        try
        {
            await using (var first = MediVaultFactory.OnDataDirectory(directory))
            {
                await new Api(first).RegisterPatient();
                ModesOf(directory).Should().Equal(OwnerOnly);
            }

            File.SetUnixFileMode(directory, (UnixFileMode)Convert.ToInt32("755", 8));
            File.SetUnixFileMode(Path.Combine(directory, "medivault.db"), (UnixFileMode)Convert.ToInt32("644", 8));
            File.SetUnixFileMode(Path.Combine(directory, "medivault.db.startup-lock"), (UnixFileMode)Convert.ToInt32("644", 8));

            await using var second = MediVaultFactory.OnDataDirectory(directory);
            await new Api(second).RegisterPatient();

            ModesOf(directory).Should().Equal(OwnerOnly);
        }
        finally
        {
            MediVaultFactory.TryDelete(directory);
        }
    }

    private static readonly Dictionary<string, string> OwnerOnly = new()
    {
        ["."] = "700",
        ["blobs"] = "700",
        ["keys"] = "700",
        ["medivault.db"] = "600",
        ["medivault.db-wal"] = "600",
        ["medivault.db-shm"] = "600",
        ["medivault.db.startup-lock"] = "600",
    };

    /// <summary>The octal mode of the data directory itself (".") and of its folders and database files.</summary>
    private static Dictionary<string, string> ModesOf(string directory)
    {
        var modes = new Dictionary<string, string> { ["."] = Octal(File.GetUnixFileMode(directory)) };
        foreach (var folder in new[] { "blobs", "keys" })
            modes[folder] = Octal(File.GetUnixFileMode(Path.Combine(directory, folder)));
        foreach (var file in Directory.EnumerateFiles(directory, "medivault.db*"))
            modes[Path.GetFileName(file)] = Octal(File.GetUnixFileMode(file));
        return modes;
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8);

    // ---- 6. the lockout answer ----

    [Fact]
    public async Task Login_LockedAccount_AnswersWithRetryAfter()
    {
        var patient = await api.RegisterPatient();
        using var client = api.Anonymous();
        for (var i = 0; i < 5; i++)
            await client.PostAsJsonAsync("/api/auth/login", new { email = patient.Email, password = "Wrong-Password-" + i });

        var response = await client.PostAsJsonAsync("/api/auth/login", new { email = patient.Email, password = patient.Password });

        (await response.ShouldBeProblem(HttpStatusCode.Unauthorized)).Detail.Should().Contain("locked");
        response.Headers.RetryAfter?.Delta.Should().BeGreaterThan(TimeSpan.Zero).And.BeLessThanOrEqualTo(TimeSpan.FromMinutes(15));
    }

    [Fact]
    public async Task Login_LockedUnknownEmail_AnswersWithRetryAfterLikeARealAccount()
    {
        var email = Api.NewEmail("nobody");
        using var client = api.Anonymous();
        for (var i = 0; i < 5; i++)
            await client.PostAsJsonAsync("/api/auth/login", new { email, password = "Wrong-Password-" + i });

        var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password = "Wrong-Password-x" });

        await response.ShouldBeProblem(HttpStatusCode.Unauthorized);
        response.Headers.RetryAfter?.Delta.Should().BeGreaterThan(TimeSpan.Zero).And.BeLessThanOrEqualTo(TimeSpan.FromMinutes(15));
    }

    // ---- 7. ranges ----

    [Fact]
    public async Task Download_RangeBeyondTheEnd_Returns416ProblemWithTheSize()
    {
        var patient = await api.RegisterPatient();
        var file = await patient.Upload(SampleFiles.Pdf(1000));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/files/download/{file.Id}");
        request.Headers.Range = new RangeHeaderValue(5000, 6000);

        var response = await patient.Client.SendAsync(request);

        (await response.ShouldBeProblem(HttpStatusCode.RequestedRangeNotSatisfiable)).Detail.Should().NotBeNullOrWhiteSpace();
        response.Content.Headers.ContentRange!.ToString().Should().Be("bytes */1000");
    }

    [Fact]
    public async Task Download_RangeInAnUnknownUnit_IsIgnored()
    {
        var patient = await api.RegisterPatient();
        var content = SampleFiles.Pdf(1000);
        var file = await patient.Upload(content);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/files/download/{file.Id}");
        request.Headers.TryAddWithoutValidation("Range", "items=0-5");

        var response = await patient.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(content);
    }

    // ---- 8. the all-zero GUID ----

    [Theory]
    [InlineData("GET", "/api/files/download/00000000-0000-0000-0000-000000000000")]
    [InlineData("GET", "/api/files/00000000-0000-0000-0000-000000000000/verify")]
    [InlineData("DELETE", "/api/files/00000000-0000-0000-0000-000000000000")]
    [InlineData("GET", "/api/files/00000000-0000-0000-0000-000000000000")]
    public async Task FileRoutes_AllZeroGuid_Return404(string method, string path)
    {
        var patient = await api.RegisterPatient();

        var response = await patient.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        (await response.ShouldBeProblem(HttpStatusCode.NotFound)).Detail.Should().NotBeNullOrWhiteSpace();
    }

    // ---- 9. problem documents carry detail ----

    [Theory]
    [InlineData("/api/auth/me")]
    [InlineData("/api/files/download/3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    [InlineData("/api/ledger/verify")]
    public async Task Anonymous_401_CarriesDetail(string path)
    {
        using var anonymous = api.Anonymous();

        var response = await anonymous.GetAsync(path);

        (await response.ShouldBeProblem(HttpStatusCode.Unauthorized)).Detail.Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task InvalidToken_401_CarriesDetail()
    {
        using var client = api.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token");

        var response = await client.GetAsync("/api/auth/me");

        (await response.ShouldBeProblem(HttpStatusCode.Unauthorized)).Detail.Should().NotBeNullOrWhiteSpace();
    }

    [Theory]
    [InlineData("/api/files/download/not-a-guid")]
    [InlineData("/api/emergency-profile/12345")]
    public async Task NonGuidPathValue_404_CarriesDetail(string path)
    {
        var patient = await api.RegisterPatient();

        var response = await patient.Client.GetAsync(path);

        (await response.ShouldBeProblem(HttpStatusCode.NotFound)).Detail.Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task Upload_NotMultipart_415CarriesDetail()
    {
        var patient = await api.RegisterPatient();
        using var body = new StringContent("{}", Encoding.UTF8, "application/json");

        var response = await patient.Client.PostAsync("/api/files/upload", body);

        (await response.ShouldBeProblem(HttpStatusCode.UnsupportedMediaType)).Detail.Should().Contain("multipart/form-data");
    }

    // ---- 10. a QR code needs a body ----

    [Theory]
    [InlineData("null")]
    [InlineData("")]
    public async Task GenerateQr_NullOrEmptyBody_Returns400(string body)
    {
        var patient = await api.RegisterPatient();
        await patient.SaveProfile();

        var response = await patient.Client.PostAsync("/api/qr/generate", new StringContent(body, Encoding.UTF8, "application/json"));

        (await response.ShouldBeProblem(HttpStatusCode.BadRequest)).Detail.Should().NotBeNullOrWhiteSpace();
        (await patient.ListQrCodes()).Should().BeEmpty();
    }

    // ---- 11. bidirectional controls ----

    public static TheoryData<string> BidiControls() =>
        ["\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069", "\u200E", "\u200F", "\u061C"];

    [Theory]
    [MemberData(nameof(BidiControls))]
    public async Task Register_FullNameWithABidiControl_IsStoredWithoutIt(string control)
    {
        var patient = await api.RegisterPatient($"Asha{control} Verma");

        var me = await (await patient.Client.GetAsync("/api/auth/me")).ReadAs<UserAnswer>();

        me.FullName.Should().Be("Asha Verma");
    }

    [Fact]
    public async Task UpdateMe_FullNameWithOverride_IsStoredWithoutIt()
    {
        var patient = await api.RegisterPatient();

        var response = await patient.Client.PatchAsJsonAsync("/api/auth/me", new { fullName = "Evil\u202Eexe.pdf" });

        (await response.ReadAs<UserAnswer>()).FullName.Should().Be("Evilexe.pdf");
    }

    [Fact]
    public async Task Register_FullNameOfBidiControlsOnly_Returns400()
    {
        using var anonymous = api.Anonymous();

        var response = await anonymous.PostAsJsonAsync("/api/auth/register",
            new { email = Api.NewEmail("bidi"), password = Api.StrongPassword, fullName = "\u202E\u2066", accountType = "patient" });

        await response.ShouldBeValidationProblemFor("fullName");
    }

    [Fact]
    public async Task SaveProfile_BidiControlsInFreeText_AreStoredWithoutThem()
    {
        var patient = await api.RegisterPatient();

        var saved = await patient.SaveProfile(new
        {
            allergies = new[] { new { substance = "Peni\u202Ecillin", reaction = "Rash\u200F", severity = "severe" } },
            emergencyContacts = new[] { new { name = "Ravi\u2066 Verma\u2069", relationship = "bro\u061Cther", phone = "+91 98765 43210" } },
            medicalNotes = "Carries\u202D an inhaler.",
        });

        saved.Allergies.Single().Should().Be(new AllergyAnswer("Penicillin", "Rash", "severe"));
        saved.EmergencyContacts.Single().Should().Be(new ContactAnswer("Ravi Verma", "brother", "+91 98765 43210"));
        saved.MedicalNotes.Should().Be("Carries an inhaler.");
    }

    [Fact]
    public async Task Upload_DescriptionWithABidiControl_IsStoredWithoutIt()
    {
        var patient = await api.RegisterPatient();

        var file = await patient.Upload(SampleFiles.Pdf(), "scan.pdf", ("description", "Blood \u202Etest"));

        file.Description.Should().Be("Blood test");
    }

    [Fact]
    public async Task GenerateQr_LabelWithABidiControl_IsStoredWithoutIt()
    {
        var patient = await api.RegisterPatient();
        await patient.SaveProfile();

        var code = await patient.GenerateQr(new { label = "Wallet\u202E card" });

        code.Label.Should().Be("Wallet card");
    }

    // ---- 12. Kestrel's own 400 ----

    [Fact]
    public async Task NulInThePath_IsRefusedByKestrelBeforeTheApp()
    {
        await using var kestrel = new MediVaultFactory();
        var address = kestrel.StartOnLoopback();
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        var stream = tcp.GetStream();

        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /api/files/download/%00 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
        var answer = await new StreamReader(stream, Encoding.ASCII).ReadToEndAsync();

        // Documented in docs/decisions.md §37: Kestrel answers this itself, before any middleware could write a problem.
        answer.Should().StartWith("HTTP/1.1 400");
    }

    // ---- helpers ----

    /// <summary>Flips one bit of the file's stored blob at <paramref name="offset"/>.</summary>
    private static async Task FlipByte(MediVaultFactory factory, Guid fileId, int offset)
    {
        var storageKey = await factory.InDatabase(db => db.MedicalFiles.Where(f => f.Id == fileId).Select(f => f.StorageKey).SingleAsync());
        var blobPath = Path.Combine(factory.DataDirectory, "blobs", storageKey[..2], storageKey);
        var blob = await File.ReadAllBytesAsync(blobPath);
        blob[offset] ^= 0x01;
        await File.WriteAllBytesAsync(blobPath, blob);
    }

    private static async Task<string?> ProblemType(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.TryGetProperty("type", out var type) ? type.GetString() : null;
    }
}
