using System.Net;
using System.Text;
using MediVault.IntegrationTests.Infrastructure;

namespace MediVault.IntegrationTests;

/// <summary>
/// Issue 15's additions to the access log: names of the records for their owner only, the device in words, the
/// filters (action, actor role, outcome, date range) and the CSV download.
/// </summary>
public sealed class AccessLogForPeopleTests(MediVaultFactory factory) : IClassFixture<MediVaultFactory>
{
    private const string ChromeOnLinux =
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    private readonly Api api = new(factory);

    private static async Task<PageAnswer<AccessLogEntryAnswer>> Log(Session reader, Guid patientId, string query = "") =>
        await (await reader.Client.GetAsync($"/api/access-logs/{patientId}?pageSize=100&{query}")).ReadAs<PageAnswer<AccessLogEntryAnswer>>();

    /// <summary>A file, a labelled QR code and a grant to a doctor, each with its entry in the log.</summary>
    private async Task<(Session Patient, Session Doctor, FileAnswer File, QrCreatedAnswer Code)> ArrangeNamedRecords()
    {
        var patient = await api.RegisterPatient();
        var doctor = await api.RegisterDoctor("Dr. Kavya Rao");
        var file = await patient.Upload(SampleFiles.Pdf(), "thyroid-panel.pdf", ("category", "lab-report"));
        var code = await patient.GenerateQr(new { label = "Bike helmet" });
        await patient.GrantAccessTo(doctor);
        return (patient, doctor, file, code);
    }

    [Fact]
    public async Task Owner_SeesTheNamesOfTheirRecords()
    {
        var (patient, _, file, code) = await ArrangeNamedRecords();

        var log = await Log(patient, patient.Id);

        log.Items.Single(e => e.Action == "file-uploaded").Should().BeEquivalentTo(new { ResourceId = (Guid?)file.Id, ResourceName = "thyroid-panel.pdf" });
        log.Items.Single(e => e.Action == "qr-generated").Should().BeEquivalentTo(new { ResourceId = (Guid?)code.Id, ResourceName = "Bike helmet" });
        log.Items.Single(e => e.Action == "access-granted").ResourceName.Should().Be("Dr. Kavya Rao");
        log.Items.Single(e => e.Action == "login").ResourceName.Should().BeNull();
    }

    [Fact]
    public async Task Doctor_ReadingTheSameLog_GetsNoNames()
    {
        var (patient, doctor, _, _) = await ArrangeNamedRecords();

        var log = await Log(doctor, patient.Id);

        log.Items.Should().Contain(e => e.Action == "file-uploaded");
        log.Items.Select(e => e.ResourceName).Should().OnlyContain(name => name == null);
    }

    [Fact]
    public async Task Device_IsTheUserAgentInWords()
    {
        var patient = await api.RegisterPatient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/qr/generate") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("User-Agent", ChromeOnLinux);
        (await patient.Client.SendAsync(request)).StatusCode.Should().Be(HttpStatusCode.Created);

        var entry = (await Log(patient, patient.Id, "action=qr-generated")).Items.Should().ContainSingle().Subject;

        entry.UserAgent.Should().Be(ChromeOnLinux);
        entry.Device.Should().Be("Chrome on Linux");
    }

    [Fact]
    public async Task Filters_ByActionRoleAndOutcome_Combine()
    {
        var (patient, doctor, _, _) = await ArrangeNamedRecords();
        (await doctor.Client.GetAsync($"/api/files/{patient.Id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        var stranger = await api.RegisterPatient();
        await stranger.Client.GetAsync($"/api/access-logs/{patient.Id}");

        var uploads = await Log(patient, patient.Id, "action=file-uploaded");
        var byDoctor = await Log(patient, patient.Id, "actorRole=doctor");
        var denied = await Log(patient, patient.Id, "outcome=denied");
        var patientSucceeded = await Log(patient, patient.Id, "actorRole=patient&outcome=success&action=qr-generated");

        uploads.Items.Should().ContainSingle().Which.Action.Should().Be("file-uploaded");
        uploads.TotalCount.Should().Be(1);
        byDoctor.Items.Should().NotBeEmpty().And.OnlyContain(e => e.ActorRole == "doctor");
        denied.Items.Should().ContainSingle().Which.ActorId.Should().Be(stranger.Id);
        patientSucceeded.Items.Should().ContainSingle().Which.ResourceName.Should().Be("Bike helmet");
    }

    [Fact]
    public async Task Filters_ByDateRange_IncludeBothDays()
    {
        var patient = await api.RegisterPatient();
        await patient.GenerateQr();
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var yesterday = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var todays = await Log(patient, patient.Id, $"from={today}&to={today}");
        var yesterdays = await Log(patient, patient.Id, $"from={yesterday}&to={yesterday}");
        var since = await Log(patient, patient.Id, $"from={yesterday}");

        todays.TotalCount.Should().Be(2, "the login and the code, both today (UTC)");
        yesterdays.TotalCount.Should().Be(0);
        since.TotalCount.Should().Be(2);
    }

    [Theory]
    [InlineData("action=file-eaten", "action")]
    [InlineData("actorRole=nurse", "actorRole")]
    [InlineData("outcome=maybe", "outcome")]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2026-13-01", "to")]
    [InlineData("from=2026-12-02&to=2026-12-01", "to")]
    public async Task Filters_BadValue_Returns400NamingTheField(string query, string field)
    {
        var patient = await api.RegisterPatient();

        await (await patient.Client.GetAsync($"/api/access-logs/{patient.Id}?{query}")).ShouldBeValidationProblemFor(field);
        await (await patient.Client.GetAsync($"/api/access-logs/{patient.Id}/export.csv?{query}")).ShouldBeValidationProblemFor(field);
    }

    // ---- GET /api/access-logs/{userId}/export.csv

    [Fact]
    public async Task Export_IsACsvWithNamesDevicesAndOneWordPerOutcome()
    {
        var (patient, _, _, _) = await ArrangeNamedRecords();
        await patient.Upload(SampleFiles.Pdf(), "=HYPERLINK(evil).pdf");

        var response = await patient.Client.GetAsync($"/api/access-logs/{patient.Id}/export.csv");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        response.Content.Headers.ContentDisposition!.FileName.Should().Contain("medivault-access-log-");
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        var lines = (await response.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().Be("When (UTC),Action,Who,Role,What,Name,Outcome,IP address,Device,Entry id");
        lines.Should().HaveCount(6, "a header, the login, two uploads, the code and the grant");
        lines.Should().Contain(l => l.Contains(",file-uploaded,", StringComparison.Ordinal) && l.Contains(",thyroid-panel.pdf,Allowed,", StringComparison.Ordinal));
        lines.Should().Contain(l => l.Contains(",access-granted,", StringComparison.Ordinal) && l.Contains(",Dr. Kavya Rao,", StringComparison.Ordinal));
        lines.Should().Contain(l => l.Contains(",'=HYPERLINK(evil).pdf,", StringComparison.Ordinal), "a cell that looks like a formula is written as text");
    }

    [Fact]
    public async Task Export_Filtered_HasOnlyTheMatchingEntries()
    {
        var (patient, _, _, _) = await ArrangeNamedRecords();

        var csv = await (await patient.Client.GetAsync($"/api/access-logs/{patient.Id}/export.csv?action=qr-generated")).Content.ReadAsStringAsync();

        var rows = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        rows.Should().ContainSingle().Which.Should().Contain(",Bike helmet,");
    }

    [Fact]
    public async Task Export_Anonymous_Returns401()
    {
        var patient = await api.RegisterPatient();
        using var anonymous = api.Anonymous();

        (await anonymous.GetAsync($"/api/access-logs/{patient.Id}/export.csv")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Export_OtherPatient_Returns404AndLearnsNothing()
    {
        var (owner, _, _, _) = await ArrangeNamedRecords();
        var stranger = await api.RegisterPatient();

        var response = await stranger.Client.GetAsync($"/api/access-logs/{owner.Id}/export.csv");

        var body = await response.Content.ReadAsStringAsync();
        await response.ShouldBeProblem(HttpStatusCode.NotFound);
        body.Should().NotContain("thyroid").And.NotContain("Bike helmet");
    }

    // ---- GET /api/ledger/blocks: resourceName (issue 15)

    private sealed record NamedBlock(long Index, string Kind, Guid ResourceId, string? ResourceName);

    [Fact]
    public async Task LedgerBlocks_NameTheRecordForItsOwner_NotForTheDoctor()
    {
        var (patient, doctor, file, code) = await ArrangeNamedRecords();

        var mine = await (await patient.Client.GetAsync("/api/ledger/blocks?limit=1000")).ReadAs<List<NamedBlock>>();
        var doctors = await (await doctor.Client.GetAsync("/api/ledger/blocks?limit=1000")).ReadAs<List<NamedBlock>>();

        mine.Single(b => b.ResourceId == file.Id).ResourceName.Should().Be("thyroid-panel.pdf");
        mine.Single(b => b.ResourceId == code.Id).ResourceName.Should().Be("Bike helmet");
        mine.Single(b => b.Kind == "access-granted").ResourceName.Should().Be("Dr. Kavya Rao");
        doctors.Should().Contain(b => b.ResourceId == file.Id);
        doctors.Select(b => b.ResourceName).Should().OnlyContain(name => name == null);
    }
}
