using System.Net;
using System.Text.Json;
using MediVault.Domain.Records;
using MediVault.IntegrationTests.Infrastructure;

namespace MediVault.IntegrationTests;

public sealed class AuditTests(MediVaultFactory factory) : IClassFixture<MediVaultFactory>
{
    private readonly Api api = new(factory);

    private static async Task<StatsAnswer> Stats(Session reader, Guid patientId) =>
        await (await reader.Client.GetAsync($"/api/dashboard/stats/{patientId}")).ReadAs<StatsAnswer>();

    // ---- GET /api/dashboard/stats/{userId}

    [Fact]
    public async Task Stats_NewPatient_AllZeroWithEveryCategory()
    {
        var patient = await api.RegisterPatient();

        var stats = await Stats(patient, patient.Id);

        stats.TotalFiles.Should().Be(0);
        stats.TotalSizeBytes.Should().Be(0);
        stats.FilesByCategory.Should().Equal(new Dictionary<string, int>
        {
            ["other"] = 0,
            ["lab-report"] = 0,
            ["prescription"] = 0,
            ["imaging"] = 0,
            ["discharge-summary"] = 0,
            ["vaccination"] = 0,
            ["insurance"] = 0,
        });
        stats.ActiveQrCodes.Should().Be(0);
        stats.EmergencyProfileComplete.Should().BeFalse();
        stats.LastUploadAt.Should().BeNull();
        stats.RecentActivity.Should().ContainSingle().Which.Action.Should().Be("login");
    }

    [Fact]
    public async Task Stats_AfterRealUploadsAndADelete_CountWhatIsInTheVault()
    {
        var patient = await api.RegisterPatient();
        await patient.Upload(SampleFiles.Pdf(1000), "a.pdf", ("category", "lab-report"));
        var scan = await patient.Upload(SampleFiles.Png(2000), "scan.png", ("category", "imaging"));
        var gone = await patient.Upload(SampleFiles.Text(), "notes.txt");
        (await patient.Client.DeleteAsync($"/api/files/{gone.Id}")).StatusCode.Should().Be(System.Net.HttpStatusCode.NoContent);

        var stats = await Stats(patient, patient.Id);

        stats.TotalFiles.Should().Be(2);
        stats.TotalSizeBytes.Should().Be(3000);
        stats.FilesByCategory["lab-report"].Should().Be(1);
        stats.FilesByCategory["imaging"].Should().Be(1);
        stats.FilesByCategory["other"].Should().Be(0);
        stats.LastUploadAt.Should().BeCloseTo(scan.UploadedAt, TimeSpan.FromSeconds(5));
        stats.RecentActivity.Select(e => e.Action).Should().Contain(["file-uploaded", "file-deleted"]);
    }

    [Fact]
    public async Task Stats_FilesCodesAndProfile_AreCounted()
    {
        var patient = await api.RegisterPatient();
        var newest = new DateTime(2026, 11, 20, 9, 30, 0, DateTimeKind.Utc);
        await factory.AddFile(patient, FileCategory.LabReport, 3_000_000_000, newest.AddDays(-2));
        await factory.AddFile(patient, FileCategory.LabReport, 2_000_000_000, newest);
        await factory.AddFile(patient, FileCategory.Imaging, 5, newest.AddDays(-1));
        await factory.AddFile(patient, FileCategory.Imaging, 1_000, newest.AddDays(1), deleted: true);
        var stranger = await api.RegisterPatient();
        await factory.AddFile(stranger, FileCategory.Insurance, 77, newest.AddDays(2));
        await patient.SaveProfile();
        await patient.GenerateQr();
        await patient.GenerateQr(new { maxUses = 1 });
        var revoked = await patient.GenerateQr();
        await patient.Client.DeleteAsync($"/api/qr/{revoked.Id}");
        var usedUp = await patient.GenerateQr(new { maxUses = 1 });
        using var responder = api.Anonymous();
        await responder.GetAsync($"/api/qr/access/{usedUp.Token}");

        var stats = await Stats(patient, patient.Id);

        stats.TotalFiles.Should().Be(3);
        stats.TotalSizeBytes.Should().Be(5_000_000_005, "sizes add up beyond 32 bits");
        stats.FilesByCategory["lab-report"].Should().Be(2);
        stats.FilesByCategory["imaging"].Should().Be(1);
        stats.FilesByCategory["insurance"].Should().Be(0);
        stats.ActiveQrCodes.Should().Be(2);
        stats.EmergencyProfileComplete.Should().BeTrue();
        stats.LastUploadAt.Should().Be(newest);
        stats.RecentActivity.Should().HaveCount(8, "the login and seven actions").And.BeInDescendingOrder(e => e.Timestamp);
        stats.RecentActivity[0].Should().BeEquivalentTo(new { Action = "qr-accessed", ActorRole = "emergency" });
    }

    [Fact]
    public async Task Stats_RecentActivity_IsTheTenNewest()
    {
        var patient = await api.RegisterPatient();
        for (var i = 0; i < 12; i++)
            await patient.GenerateQr();

        var stats = await Stats(patient, patient.Id);

        var log = await patient.AccessLog(patient.Id);
        stats.RecentActivity.Select(e => e.Id).Should().Equal(log.Items.Take(10).Select(e => e.Id));
    }

    [Fact]
    public async Task Stats_ProfileWithoutContact_IsNotComplete()
    {
        var patient = await api.RegisterPatient();
        await patient.SaveProfile(new { dateOfBirth = "1990-04-02", bloodType = "A+" });

        (await Stats(patient, patient.Id)).EmergencyProfileComplete.Should().BeFalse();
    }

    [Fact]
    public async Task Stats_Anonymous_Returns401()
    {
        var patient = await api.RegisterPatient();
        using var anonymous = api.Anonymous();

        (await anonymous.GetAsync($"/api/dashboard/stats/{patient.Id}")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Stats_OtherPatient_Returns404AndTheAttemptIsInTheOwnersLog()
    {
        var owner = await api.RegisterPatient();
        var stranger = await api.RegisterPatient();

        var response = await stranger.Client.GetAsync($"/api/dashboard/stats/{owner.Id}");

        var problem = await response.ShouldBeProblem(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).Should().NotContain("totalFiles");
        problem.Detail.Should().NotContain(owner.Id.ToString());
        (await owner.AccessLog(owner.Id)).Items.Should().ContainSingle(e => e.ResourceType == "dashboard")
            .Which.Should().BeEquivalentTo(new { Action = "records-viewed", ActorId = (Guid?)stranger.Id, Outcome = "denied" });
    }

    [Fact]
    public async Task Stats_UnknownId_Returns404LikeAForeignOne_WhileTheOwnStatsAnswer()
    {
        var owner = await api.RegisterPatient();
        var stranger = await api.RegisterPatient();

        var unknown = await stranger.Client.GetAsync($"/api/dashboard/stats/{Guid.CreateVersion7()}");
        var foreign = await stranger.Client.GetAsync($"/api/dashboard/stats/{owner.Id}");
        var own = await Stats(stranger, stranger.Id);

        var unknownProblem = await unknown.ShouldBeProblem(HttpStatusCode.NotFound);
        var foreignProblem = await foreign.ShouldBeProblem(HttpStatusCode.NotFound);
        unknownProblem.Should().BeEquivalentTo(foreignProblem, "an unknown id and another patient's id must look the same");
        own.TotalFiles.Should().Be(0);
    }

    [Fact]
    public async Task Stats_DoctorWithRevokedGrant_Returns404AndIsLoggedAsDenied()
    {
        var patient = await api.RegisterPatient();
        var doctor = await api.RegisterDoctor();
        await patient.GrantAccessTo(doctor);
        (await doctor.Client.GetAsync($"/api/dashboard/stats/{patient.Id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        var grant = (await (await patient.Client.GetAsync("/api/access-grants")).ReadAs<PageAnswer<GrantAnswer>>()).Items.Single();
        (await patient.Client.DeleteAsync($"/api/access-grants/{grant.Id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        var response = await doctor.Client.GetAsync($"/api/dashboard/stats/{patient.Id}");

        await response.ShouldBeProblem(HttpStatusCode.NotFound);
        (await patient.AccessLog(patient.Id)).Items.Where(e => e.ResourceType == "dashboard").Select(e => e.Outcome)
            .Should().Equal("denied", "success");
    }

    [Fact]
    public async Task Stats_DoctorWithGrant_Returns200AndIsLogged()
    {
        var patient = await api.RegisterPatient();
        var doctor = await api.RegisterDoctor();
        await patient.GrantAccessTo(doctor);

        var response = await doctor.Client.GetAsync($"/api/dashboard/stats/{patient.Id}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await patient.AccessLog(patient.Id)).Items.Should().ContainSingle(e => e.ResourceType == "dashboard")
            .Which.Should().BeEquivalentTo(new { Action = "records-viewed", ActorId = (Guid?)doctor.Id, ActorRole = "doctor", Outcome = "success" });
    }

    // ---- GET /api/access-logs/{userId}

    [Fact]
    public async Task AccessLog_Paged_NewestFirstWithTotal()
    {
        var patient = await api.RegisterPatient();
        var codes = new List<QrCreatedAnswer>();
        for (var i = 0; i < 5; i++)
            codes.Add(await patient.GenerateQr());

        var first = await (await patient.Client.GetAsync($"/api/access-logs/{patient.Id}?page=1&pageSize=2")).ReadAs<PageAnswer<AccessLogEntryAnswer>>();
        var last = await (await patient.Client.GetAsync($"/api/access-logs/{patient.Id}?page=3&pageSize=2")).ReadAs<PageAnswer<AccessLogEntryAnswer>>();

        first.Should().BeEquivalentTo(new { Page = 1, PageSize = 2, TotalCount = 6 }, "the login and five codes");
        first.Items.Select(e => e.ResourceId).Should().Equal(codes[4].Id, codes[3].Id);
        last.Items.Select(e => e.Action).Should().Equal("qr-generated", "login");
        last.Items[0].ResourceId.Should().Be(codes[0].Id);
    }

    [Fact]
    public async Task AccessLog_DefaultPaging_Is20()
    {
        var patient = await api.RegisterPatient();

        var page = await (await patient.Client.GetAsync($"/api/access-logs/{patient.Id}")).ReadAs<PageAnswer<AccessLogEntryAnswer>>();

        page.Should().BeEquivalentTo(new { Page = 1, PageSize = 20, TotalCount = 1 });
        page.Items.Should().ContainSingle().Which.Action.Should().Be("login");
    }

    [Fact]
    public async Task AccessLog_Entry_SerializesEnumsAsKebabStrings()
    {
        var patient = await api.RegisterPatient("Kiran Das");
        var code = await patient.GenerateQr();

        var json = await (await patient.Client.GetAsync($"/api/access-logs/{patient.Id}")).Content.ReadAsStringAsync();

        var entry = JsonDocument.Parse(json).RootElement.GetProperty("items").EnumerateArray()
            .Single(e => e.GetProperty("resourceType").GetString() == "qr-code");
        entry.GetProperty("action").GetString().Should().Be("qr-generated");
        entry.GetProperty("actorRole").GetString().Should().Be("patient");
        entry.GetProperty("outcome").GetString().Should().Be("success");
        entry.GetProperty("actorName").GetString().Should().Be("Kiran Das");
        entry.GetProperty("actorId").GetGuid().Should().Be(patient.Id);
        entry.GetProperty("resourceType").GetString().Should().Be("qr-code");
        entry.GetProperty("resourceId").GetGuid().Should().Be(code.Id);
        entry.TryGetProperty("timestamp", out _).Should().BeTrue();
        entry.TryGetProperty("ipAddress", out _).Should().BeTrue();
        entry.TryGetProperty("userAgent", out _).Should().BeTrue();
    }

    [Theory]
    [InlineData("page=0", "page")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=101", "pageSize")]
    public async Task AccessLog_BadPaging_Returns400NamingTheField(string query, string field)
    {
        var patient = await api.RegisterPatient();

        var response = await patient.Client.GetAsync($"/api/access-logs/{patient.Id}?{query}");

        await response.ShouldBeValidationProblemFor(field);
    }

    [Fact]
    public async Task AccessLog_Anonymous_Returns401()
    {
        var patient = await api.RegisterPatient();
        using var anonymous = api.Anonymous();

        (await anonymous.GetAsync($"/api/access-logs/{patient.Id}")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AccessLog_OtherPatient_Returns404AndTheAttemptIsInTheOwnersLog()
    {
        var owner = await api.RegisterPatient();
        await owner.GenerateQr();
        var stranger = await api.RegisterPatient();

        var response = await stranger.Client.GetAsync($"/api/access-logs/{owner.Id}");

        var body = await response.Content.ReadAsStringAsync();
        await response.ShouldBeProblem(HttpStatusCode.NotFound);
        body.Should().NotContain("qr-generated");
        (await owner.AccessLog(owner.Id)).Items.Should().ContainSingle(e => e.Outcome == "denied")
            .Which.Should().BeEquivalentTo(new { ActorId = (Guid?)stranger.Id, ResourceType = "access-log" });
    }

    [Fact]
    public async Task AccessLog_EveryAccess_IsThereWithTheRightRole()
    {
        var patient = await api.RegisterPatient();
        var doctor = await api.RegisterDoctor();
        await patient.GrantAccessTo(doctor);
        await patient.SaveProfile();
        (await doctor.Client.GetAsync($"/api/emergency-profile/{patient.Id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        var code = await patient.GenerateQr();
        using var responder = api.Anonymous();
        (await responder.GetAsync($"/api/qr/access/{code.Token}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await patient.Client.DeleteAsync($"/api/qr/{code.Id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await responder.GetAsync($"/api/qr/access/{code.Token}")).StatusCode.Should().Be(HttpStatusCode.Gone);

        var log = await doctor.AccessLog(patient.Id);

        log.Items.Select(e => (e.Action, e.ActorRole, e.Outcome)).Should().Equal(
            ("qr-accessed", "emergency", "denied"),
            ("qr-revoked", "patient", "success"),
            ("qr-accessed", "emergency", "success"),
            ("qr-generated", "patient", "success"),
            ("profile-viewed", "doctor", "success"),
            ("profile-updated", "patient", "success"),
            ("access-granted", "patient", "success"),
            ("login", "patient", "success"));
    }
}
