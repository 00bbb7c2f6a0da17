using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using MediVault.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace MediVault.IntegrationTests;

/// <summary>
/// Two instances of the app behind an imaginary load balancer (issue 13): two separate processes (two
/// <see cref="ServerProcess"/>es, so two service containers, two memories, no static state in common) on two loopback
/// ports, sharing one database and one blob store — the data directory's SQLite file (WAL, which several processes may
/// open) and blob folder by default, or the configuration's PostgreSQL database and bucket. What one instance did,
/// the other must see: tokens, cookies, revocations at the very next request, files, one ledger, single-use QR codes
/// and two-factor challenges.
/// </summary>
public sealed class TwoInstanceTests(TwoInstanceTests.Pair pair) : IClassFixture<TwoInstanceTests.Pair>
{
    /// <summary>
    /// The two processes, started one after the other on one data directory (the first one migrates), with the one
    /// public address a load balancer would give them (the tokens' issuer).
    /// </summary>
    public sealed class Pair : IAsyncLifetime
    {
        private const string PublicBaseUrl = "MediVault:PublicBaseUrl=https://vault.test";

        public string DataDirectory { get; } = MediVaultFactory.NewDataDirectoryPath();
        public ServerProcess A { get; private set; } = null!;
        public ServerProcess B { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            A = await ServerProcess.StartAsync(DataDirectory, PublicBaseUrl);
            B = await ServerProcess.StartAsync(DataDirectory, PublicBaseUrl);
        }

        public async Task DisposeAsync()
        {
            await A.DisposeAsync();
            await B.DisposeAsync();
            SqliteConnection.ClearAllPools();
            MediVaultFactory.TryDelete(DataDirectory);
        }
    }

    private Api A => pair.A.Api;
    private Api B => pair.B.Api;

    /// <summary>The session's bearer token, sent to the other instance.</summary>
    private static HttpClient WithToken(Api instance, Session session)
    {
        var client = instance.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", session.AccessToken);
        return client;
    }

    [Fact]
    public async Task TokenIssuedByA_WorksOnB()
    {
        pair.A.Address.Should().NotBe(pair.B.Address);
        pair.A.Id.Should().NotBe(pair.B.Id);
        var patient = await A.RegisterPatient();
        using var onB = WithToken(B, patient);

        var me = await (await onB.GetAsync("/api/auth/me")).ReadAs<UserAnswer>();

        me.Id.Should().Be(patient.Id);
    }

    [Fact]
    public async Task LogoutOnA_RefusesTheTokenOnB_AtTheNextRequest()
    {
        var patient = await A.RegisterPatient();
        using var onB = WithToken(B, patient);
        // Twice: the second answer comes from B's cache of checked tokens, which only the revocation signal can empty.
        (await onB.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await onB.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK);

        (await patient.Client.PostAsync("/api/auth/logout", null)).StatusCode.Should().Be(HttpStatusCode.NoContent);

        (await onB.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await onB.GetAsync($"/api/files/{patient.Id}")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task PasswordChangeOnB_RefusesTheOtherSessionsOnA_AtTheNextRequest()
    {
        var patient = await A.RegisterPatient();
        var second = await A.LoginAs(patient.Email, patient.Password);
        (await second.Client.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK);
        using var onB = WithToken(B, patient);

        var change = await onB.PostAsJsonAsync("/api/auth/change-password",
            new { currentPassword = patient.Password, newPassword = "Another-Horse-Battery-77" });

        change.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await second.Client.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task SessionCookieFromA_IsReadByB_AndLogoutOnB_EndsItOnA()
    {
        // The cookie is protected with ASP.NET Core Data Protection: B reads it only if both share the key ring.
        var patient = await A.RegisterPatient();
        using var login = await A.Anonymous().PostAsJsonAsync("/api/auth/login", new { email = patient.Email, password = patient.Password });
        login.StatusCode.Should().Be(HttpStatusCode.OK);
        var cookies = login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).ToList();
        var cookie = string.Join("; ", cookies);
        var xsrf = cookies.Single(c => c.StartsWith("XSRF-TOKEN=", StringComparison.Ordinal))["XSRF-TOKEN=".Length..];

        async Task<HttpStatusCode> Me(Api instance)
        {
            using var client = instance.Anonymous();
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
            request.Headers.Add("Cookie", cookie);
            return (await client.SendAsync(request)).StatusCode;
        }

        (await Me(A)).Should().Be(HttpStatusCode.OK);
        (await Me(B)).Should().Be(HttpStatusCode.OK);
        using (var client = B.Anonymous())
        {
            using var logout = new HttpRequestMessage(HttpMethod.Post, "/api/auth/logout");
            logout.Headers.Add("Cookie", cookie);
            logout.Headers.Add("X-XSRF-TOKEN", xsrf);
            (await client.SendAsync(logout)).StatusCode.Should().Be(HttpStatusCode.NoContent);
        }
        (await Me(A)).Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task FileUploadedThroughA_DownloadsAndVerifiesThroughB()
    {
        var patient = await A.RegisterPatient();
        var content = SampleFiles.Pdf(300_000);
        var file = await patient.Upload(content, "scan.pdf");
        using var onB = WithToken(B, patient);

        var downloaded = await onB.GetByteArrayAsync($"/api/files/download/{file.Id}");
        var verification = await (await onB.GetAsync($"/api/files/{file.Id}/verify")).ReadAs<FileVerificationAnswer>();

        downloaded.Should().Equal(content);
        verification.Intact.Should().BeTrue();
        verification.LedgerIntact.Should().BeTrue();
    }

    [Fact]
    public async Task FiftyConcurrentUploads_SplitAcrossBoth_LeaveOneValidLedger()
    {
        var patient = await A.RegisterPatient();
        using var onB = WithToken(B, patient);
        var uploads = Enumerable.Range(0, 50).Select(i =>
        {
            var client = i % 2 == 0 ? patient.Client : onB;
            return client.PostAsync("/api/files/upload", FileUploads.Form(SampleFiles.Pdf(5_000 + i), $"part-{i}.pdf"));
        });

        var answers = await Task.WhenAll(uploads);

        answers.Select(a => a.StatusCode).Should().AllBeEquivalentTo(HttpStatusCode.Created);
        var fromA = await (await patient.Client.GetAsync("/api/ledger/verify")).ReadAs<LedgerVerificationAnswer>();
        var fromB = await (await onB.GetAsync("/api/ledger/verify")).ReadAs<LedgerVerificationAnswer>();
        fromA.Valid.Should().BeTrue(fromA.Problem);
        fromB.Should().Be(fromA, "both instances read one ledger");
        var files = await (await onB.GetAsync($"/api/files/{patient.Id}?pageSize=100")).ReadAs<FilePage>();
        files.TotalCount.Should().Be(50);
    }

    [Fact]
    public async Task SingleUseQrCode_OpensExactlyOnce_AcrossBoth()
    {
        var patient = await A.RegisterPatient();
        await patient.SaveProfile();
        var code = await patient.GenerateQr(new { maxUses = 1 });
        using var responderA = A.Anonymous();
        using var responderB = B.Anonymous();

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            (i % 2 == 0 ? responderA : responderB).GetAsync($"/api/qr/access/{code.Token}")));

        answers.Count(a => a.StatusCode == HttpStatusCode.OK).Should().Be(1);
        answers.Where(a => a.StatusCode != HttpStatusCode.OK).Select(a => (int)a.StatusCode).Should().OnlyContain(s => s >= 400 && s < 500);
        (await patient.ListQrCodes()).Single(q => q.Id == code.Id).UseCount.Should().Be(1);
    }

    [Fact]
    public async Task TwoFactorChallengeFromA_IsAnsweredOnB_AndItsCodeIsRefusedOnA()
    {
        var doctor = await A.RegisterDoctor();
        using var anonymousA = A.Anonymous();
        using var anonymousB = B.Anonymous();
        var first = await (await anonymousA.PostAsJsonAsync("/api/auth/login", new { email = doctor.Email, password = doctor.Password }))
            .ReadAs<Authenticator.ChallengeAnswer>();
        var second = await (await anonymousA.PostAsJsonAsync("/api/auth/login", new { email = doctor.Email, password = doctor.Password }))
            .ReadAs<Authenticator.ChallengeAnswer>();
        first.TwoFactorRequired.Should().BeTrue();
        var code = Authenticator.Code(doctor.AuthenticatorKey!);

        var onB = await anonymousB.PostAsJsonAsync("/api/auth/login/two-factor", new { challenge = first.Challenge, code });
        var replayOnA = await anonymousA.PostAsJsonAsync("/api/auth/login/two-factor", new { challenge = second.Challenge, code });
        var spentOnA = await anonymousA.PostAsJsonAsync("/api/auth/login/two-factor",
            new { challenge = first.Challenge, code = Authenticator.Code(doctor.AuthenticatorKey!) });

        (await onB.ReadAs<LoginAnswer>()).User.Id.Should().Be(doctor.Id);
        (await replayOnA.ShouldBeProblem(HttpStatusCode.Unauthorized)).Detail.Should().Contain("code is not correct",
            "a code that worked on B must not work again on A");
        (await spentOnA.ShouldBeProblem(HttpStatusCode.Unauthorized)).Detail.Should().Contain("expired or was already used",
            "a challenge spent on B is spent everywhere");
    }

    [Fact]
    [Trait("Category", TestConfiguration.EmbeddedOnly)] // reads the table straight from the SQLite file
    public async Task DataProtectionKeys_AreInTheSharedDatabase_SealedWithTheMasterKey()
    {
        // Any cookie made the key ring exist; the test above may not have run first.
        var patient = await A.RegisterPatient();
        using var login = await A.Anonymous().PostAsJsonAsync("/api/auth/login", new { email = patient.Email, password = patient.Password });
        login.StatusCode.Should().Be(HttpStatusCode.OK);
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(pair.DataDirectory, "medivault.db")};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Xml FROM DataProtectionKeys";
        var keys = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                keys.Add(reader.GetString(0));
        }

        keys.Should().NotBeEmpty();
        keys.Should().AllSatisfy(xml =>
        {
            xml.Should().Contain("medivaultSealedKey");
            xml.Should().NotContain("<masterKey", "the key material itself is sealed");
        });
        Directory.Exists(Path.Combine(pair.DataDirectory, "DataProtection-Keys")).Should().BeFalse();
    }
}
