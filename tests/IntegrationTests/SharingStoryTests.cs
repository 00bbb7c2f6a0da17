using System.Net;
using System.Net.Http.Json;
using MediVault.IntegrationTests.Infrastructure;

namespace MediVault.IntegrationTests;

/// <summary>The whole sharing story, and the matrix of who may do what with a patient's records.</summary>
public sealed class SharingStoryTests(MediVaultFactory factory) : IClassFixture<MediVaultFactory>
{
    private readonly Api api = new(factory);

    [Fact]
    public async Task Story_GrantReadUploadRevoke_EveryStepOnRecord()
    {
        var patient = await api.RegisterPatient("Sakshi Story");
        var doctor = await api.RegisterDoctor("Dr. Story");
        var labReport = await patient.Upload(SampleFiles.Pdf(), "cbc.pdf", ("category", "lab-report"));
        await patient.SaveProfile();

        // The patient grants; the doctor sees the patient.
        var grant = await (await patient.Client.PostAsJsonAsync("/api/access-grants", new { doctorEmail = doctor.Email }))
            .ReadAs<GrantAnswer>(HttpStatusCode.Created);
        var patients = await (await doctor.Client.GetAsync("/api/doctor/patients")).ReadAs<List<DoctorPatientAnswer>>();
        patients.Should().ContainSingle(p => p.PatientId == patient.Id && p.FullName == "Sakshi Story");

        // The doctor reads the records and the emergency profile, and downloads the report byte for byte.
        var files = await (await doctor.Client.GetAsync($"/api/files/{patient.Id}")).ReadAs<FilePage>();
        files.Items.Should().ContainSingle(f => f.Id == labReport.Id);
        var download = await doctor.Client.GetAsync($"/api/files/download/{labReport.Id}");
        download.StatusCode.Should().Be(HttpStatusCode.OK);
        (await download.Content.ReadAsByteArrayAsync()).Length.Should().Be((int)labReport.SizeBytes);
        (await doctor.Client.GetAsync($"/api/emergency-profile/{patient.Id}")).StatusCode.Should().Be(HttpStatusCode.OK);

        // The doctor adds a prescription to the patient's vault: the patient owns it, the doctor uploaded it.
        var prescription = await doctor.Upload(SampleFiles.Pdf(), "prescription.pdf",
            ("category", "prescription"), ("patientId", patient.Id.ToString()));
        prescription.OwnerId.Should().Be(patient.Id);
        prescription.UploadedById.Should().Be(doctor.Id);
        (await (await patient.Client.GetAsync($"/api/files/{patient.Id}")).ReadAs<FilePage>()).Items
            .Should().Contain(f => f.Id == prescription.Id);

        // The patient revokes; the doctor, still holding a valid token, is refused at once.
        (await patient.Client.DeleteAsync($"/api/access-grants/{grant.Id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        await (await doctor.Client.GetAsync($"/api/files/{patient.Id}")).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await doctor.Client.GetAsync($"/api/files/download/{labReport.Id}")).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await doctor.Client.GetAsync($"/api/emergency-profile/{patient.Id}")).ShouldBeProblem(HttpStatusCode.NotFound);
        (await doctor.PostUpload(SampleFiles.Pdf(), "late.pdf", ("patientId", patient.Id.ToString()))).StatusCode.Should().Be(HttpStatusCode.NotFound);

        // Everything the doctor did, allowed and refused, is in the patient's log as the doctor.
        var log = await patient.AccessLog(patient.Id);
        var byDoctor = log.Items.Where(e => e.ActorId == doctor.Id).ToList();
        byDoctor.Should().OnlyContain(e => e.ActorRole == "doctor" && e.ActorName == "Dr. Story");
        byDoctor.Should().Contain(e => e.Action == "file-downloaded" && e.ResourceId == labReport.Id && e.Outcome == "success");
        byDoctor.Should().Contain(e => e.Action == "profile-viewed" && e.Outcome == "success");
        byDoctor.Should().Contain(e => e.Action == "file-uploaded" && e.ResourceId == prescription.Id && e.Outcome == "success");
        byDoctor.Should().Contain(e => e.Action == "records-viewed" && e.Outcome == "success");
        byDoctor.Where(e => e.Outcome == "denied").Select(e => e.Action).Should().Contain(["file-downloaded", "profile-viewed", "file-uploaded"]);
        log.Items.Should().Contain(e => e.Action == "access-granted" && e.ResourceId == grant.Id && e.ActorRole == "patient");
        log.Items.Should().Contain(e => e.Action == "access-revoked" && e.ResourceId == grant.Id && e.ActorRole == "patient");

        // The grant and its revocation are in the ledger, and the chain holds.
        var blocks = await (await patient.Client.GetAsync("/api/ledger/blocks?limit=1000")).ReadAs<List<BlockAnswer>>();
        blocks.Where(b => b.ResourceId == grant.Id).Select(b => b.Kind).Should().Equal("access-granted", "access-revoked");
        (await (await patient.Client.GetAsync("/api/ledger/verify")).ReadAs<LedgerVerificationAnswer>()).Valid.Should().BeTrue();
    }

    public enum Reader
    {
        SecondDoctor,
        DoctorWithExpiredGrant,
        DoctorWithRevokedGrant,
        AnotherPatient,
    }

    public static TheoryData<Reader> Readers() => [Reader.SecondDoctor, Reader.DoctorWithExpiredGrant, Reader.DoctorWithRevokedGrant, Reader.AnotherPatient];

    [Theory]
    [MemberData(nameof(Readers))]
    public async Task WithoutAnActiveGrant_EveryRecordRouteIs404(Reader reader)
    {
        await using var clockFactory = new MediVaultFactory { Clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow) };
        var clock = (Microsoft.Extensions.Time.Testing.FakeTimeProvider)clockFactory.Clock!;
        var clockApi = new Api(clockFactory);
        var patient = await clockApi.RegisterPatient();
        var file = await patient.Upload(SampleFiles.Pdf(), "x.pdf");
        await patient.SaveProfile();
        var outsider = reader == Reader.AnotherPatient ? await clockApi.RegisterPatient() : await clockApi.RegisterDoctor();
        if (reader == Reader.DoctorWithExpiredGrant)
        {
            await patient.Client.PostAsJsonAsync("/api/access-grants", new { doctorEmail = outsider.Email, expiresAt = clock.GetUtcNow().UtcDateTime.AddHours(2) });
            clock.Advance(TimeSpan.FromHours(3));
        }
        if (reader == Reader.DoctorWithRevokedGrant)
        {
            var grant = await (await patient.Client.PostAsJsonAsync("/api/access-grants", new { doctorEmail = outsider.Email })).ReadAs<GrantAnswer>(HttpStatusCode.Created);
            await patient.Client.DeleteAsync($"/api/access-grants/{grant.Id}");
        }

        var answers = new[]
        {
            await outsider.Client.GetAsync($"/api/files/{patient.Id}"),
            await outsider.Client.GetAsync($"/api/files/download/{file.Id}"),
            await outsider.Client.GetAsync($"/api/files/{file.Id}/verify"),
            await outsider.Client.DeleteAsync($"/api/files/{file.Id}"),
            await outsider.PostUpload(SampleFiles.Pdf(), "y.pdf", ("patientId", patient.Id.ToString())),
            await outsider.Client.GetAsync($"/api/emergency-profile/{patient.Id}"),
            await outsider.Client.PostAsJsonAsync($"/api/emergency-profile/{patient.Id}", EmergencyRequests.SampleProfile()),
            await outsider.Client.GetAsync($"/api/dashboard/stats/{patient.Id}"),
            await outsider.Client.GetAsync($"/api/access-logs/{patient.Id}"),
        };

        foreach (var answer in answers)
            await answer.ShouldBeProblem(HttpStatusCode.NotFound);
        var blocks = await (await outsider.Client.GetAsync("/api/ledger/blocks?limit=1000")).ReadAs<List<BlockAnswer>>();
        blocks.Should().NotContain(b => b.ResourceId == file.Id);
        (await (await patient.Client.GetAsync($"/api/files/{patient.Id}")).ReadAs<FilePage>()).Items.Should().ContainSingle();
    }

    [Fact]
    public async Task GrantedDoctor_MayReadAndAdd_ButNeverDeleteNorWriteTheProfile()
    {
        var patient = await api.RegisterPatient();
        var doctor = await api.RegisterDoctor();
        var file = await patient.Upload(SampleFiles.Pdf(), "keep.pdf");
        await patient.SaveProfile();
        await patient.GrantAccessTo(doctor);

        var delete = await doctor.Client.DeleteAsync($"/api/files/{file.Id}");
        var writeProfile = await doctor.Client.PostAsJsonAsync($"/api/emergency-profile/{patient.Id}", EmergencyRequests.SampleProfile());
        var stats = await doctor.Client.GetAsync($"/api/dashboard/stats/{patient.Id}");
        var log = await doctor.Client.GetAsync($"/api/access-logs/{patient.Id}");
        var verify = await doctor.Client.GetAsync($"/api/files/{file.Id}/verify");

        await delete.ShouldBeProblem(HttpStatusCode.NotFound);
        await writeProfile.ShouldBeProblem(HttpStatusCode.NotFound);
        stats.StatusCode.Should().Be(HttpStatusCode.OK);
        log.StatusCode.Should().Be(HttpStatusCode.OK);
        (await verify.ReadAs<FileVerificationAnswer>()).Intact.Should().BeTrue();
        (await (await patient.Client.GetAsync($"/api/files/{patient.Id}")).ReadAs<FilePage>()).Items.Should().ContainSingle(f => f.Id == file.Id);
    }

    [Fact]
    public async Task DoctorsUpload_IsListedWithTheDoctorsName_TheOwnersWithout()
    {
        var patient = await api.RegisterPatient();
        var doctor = await api.RegisterDoctor("Dr. Meera Iyer");
        await patient.GrantAccessTo(doctor);
        await patient.Upload(SampleFiles.Pdf(), "mine.pdf");
        await doctor.Upload(SampleFiles.Pdf(), "rx.pdf", ("category", "prescription"), ("patientId", patient.Id.ToString()));

        var files = (await (await patient.Client.GetAsync($"/api/files/{patient.Id}")).ReadAs<FilePage>()).Items;

        files.Single(f => f.FileName == "rx.pdf").UploadedByName.Should().Be("Dr. Meera Iyer");
        files.Single(f => f.FileName == "mine.pdf").UploadedByName.Should().BeNull();
    }

    [Fact]
    public async Task DoctorsNewName_IsShownBesideTheirUpload_AtOnce()
    {
        var patient = await api.RegisterPatient();
        var doctor = await api.RegisterDoctor("Dr. Meera Iyer");
        await patient.GrantAccessTo(doctor);
        await doctor.Upload(SampleFiles.Pdf(), "rx.pdf", ("category", "prescription"), ("patientId", patient.Id.ToString()));
        var before = (await (await patient.Client.GetAsync($"/api/files/{patient.Id}")).ReadAs<FilePage>()).Items.Single();

        (await doctor.Client.PatchAsJsonAsync("/api/auth/me", new { fullName = "Dr. Meera Iyer-Rao" })).EnsureSuccessStatusCode();
        var after = (await (await patient.Client.GetAsync($"/api/files/{patient.Id}")).ReadAs<FilePage>()).Items.Single();

        before.UploadedByName.Should().Be("Dr. Meera Iyer");
        after.UploadedByName.Should().Be("Dr. Meera Iyer-Rao");
    }

    [Fact]
    public async Task Patient_OnDoctorOnlyEndpoints_Gets403()
    {
        var patient = await api.RegisterPatient();

        await (await patient.Client.GetAsync("/api/doctor/patients")).ShouldBeProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task DoctorLedgerBlocks_IncludeGrantingPatients_OnlyWhileGranted()
    {
        var patient = await api.RegisterPatient();
        var doctor = await api.RegisterDoctor();
        var file = await patient.Upload(SampleFiles.Pdf(), "block.pdf");

        var before = await (await doctor.Client.GetAsync("/api/ledger/blocks?limit=1000")).ReadAs<List<BlockAnswer>>();
        await patient.GrantAccessTo(doctor);
        var during = await (await doctor.Client.GetAsync("/api/ledger/blocks?limit=1000")).ReadAs<List<BlockAnswer>>();

        before.Should().NotContain(b => b.ResourceId == file.Id);
        during.Should().Contain(b => b.ResourceId == file.Id && b.Kind == "file-uploaded");
    }
}

public sealed class ConcurrencyTests(MediVaultFactory factory) : IClassFixture<MediVaultFactory>
{
    [Fact]
    public async Task Profile_SimultaneousFirstSaves_EachAnsweredWithoutA500_AndOneProfileKept()
    {
        var patient = await new Api(factory).RegisterPatient();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            patient.Client.PostAsJsonAsync($"/api/emergency-profile/{patient.Id}", EmergencyRequests.SampleProfile())));

        answers.Select(a => a.StatusCode).Should().OnlyContain(s => s == HttpStatusCode.OK || s == HttpStatusCode.Conflict);
        answers.Should().Contain(a => a.StatusCode == HttpStatusCode.OK);
        foreach (var conflict in answers.Where(a => a.StatusCode == HttpStatusCode.Conflict))
            await conflict.ShouldBeProblem(HttpStatusCode.Conflict);
        (await patient.Client.GetAsync($"/api/emergency-profile/{patient.Id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await (await patient.Client.GetAsync("/api/ledger/verify")).ReadAs<LedgerVerificationAnswer>()).Valid.Should().BeTrue();
    }
}
