using System.Net;
using System.Net.Http.Json;
using MediVault.IntegrationTests.Infrastructure;

namespace MediVault.IntegrationTests;

public sealed record GrantAnswer(
    Guid Id, Guid PatientId, string PatientName, Guid DoctorId, string DoctorName, string DoctorEmail,
    DateTime GrantedAt, DateTime? ExpiresAt, DateTime? RevokedAt);

public sealed record PageAnswer<T>(List<T> Items, int Page, int PageSize, int TotalCount);

public sealed record DoctorPatientAnswer(Guid PatientId, string FullName, string Email, DateTime GrantedAt, DateTime? ExpiresAt);

public sealed class SharingTests(MediVaultFactory factory) : IClassFixture<MediVaultFactory>
{
    private readonly Api api = new(factory);

    [Fact]
    public async Task Grant_PatientToDoctor_Returns201WithBothNames()
    {
        var patient = await api.RegisterPatient("Priya Patient");
        var doctor = await api.RegisterDoctor("Dr. Devi");
        var until = DateTime.UtcNow.AddDays(30);

        var response = await patient.Client.PostAsJsonAsync("/api/access-grants", new { doctorEmail = doctor.Email, expiresAt = until });

        var grant = await response.ReadAs<GrantAnswer>(HttpStatusCode.Created);
        grant.PatientId.Should().Be(patient.Id);
        grant.PatientName.Should().Be("Priya Patient");
        grant.DoctorId.Should().Be(doctor.Id);
        grant.DoctorName.Should().Be("Dr. Devi");
        grant.DoctorEmail.Should().Be(doctor.Email);
        grant.ExpiresAt.Should().BeCloseTo(until, TimeSpan.FromSeconds(1));
        grant.RevokedAt.Should().BeNull();
    }

    [Fact]
    public async Task Grant_Twice_KeepsOneActiveGrant()
    {
        var patient = await api.RegisterPatient();
        var doctor = await api.RegisterDoctor();

        var first = await (await patient.Client.PostAsJsonAsync("/api/access-grants", new { doctorEmail = doctor.Email })).ReadAs<GrantAnswer>(HttpStatusCode.Created);
        var second = await patient.Client.PostAsJsonAsync("/api/access-grants", new { doctorEmail = doctor.Email, expiresAt = DateTime.UtcNow.AddDays(3) });

        (await second.ReadAs<GrantAnswer>()).Id.Should().Be(first.Id);
        var list = await (await patient.Client.GetAsync("/api/access-grants")).ReadAs<PageAnswer<GrantAnswer>>();
        list.Items.Should().ContainSingle(g => g.DoctorId == doctor.Id);
        var patients = await (await doctor.Client.GetAsync("/api/doctor/patients")).ReadAs<List<DoctorPatientAnswer>>();
        patients.Should().ContainSingle(p => p.PatientId == patient.Id);
    }

    [Theory]
    [InlineData("""{"doctorEmail":""}""", "doctorEmail")]
    [InlineData("""{"doctorEmail":"not-an-email"}""", "doctorEmail")]
    [InlineData("""{}""", "doctorEmail")]
    [InlineData("""{"doctorEmail":"a@example.com","expiresAt":"tomorrow"}""", "expiresAt")]
    public async Task Grant_BadInput_Returns400NamingTheField(string json, string field)
    {
        var patient = await api.RegisterPatient();

        var response = await patient.Client.PostAsync("/api/access-grants", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await response.ShouldBeValidationProblemFor(field);
    }

    [Fact]
    public async Task Grant_EndDateInThePast_Returns400NamingExpiresAt()
    {
        var patient = await api.RegisterPatient();
        var doctor = await api.RegisterDoctor();

        var response = await patient.Client.PostAsJsonAsync("/api/access-grants", new { doctorEmail = doctor.Email, expiresAt = DateTime.UtcNow.AddMinutes(-1) });

        await response.ShouldBeValidationProblemFor("expiresAt");
    }

    [Fact]
    public async Task Grant_EmailOfAPatientOrNobody_Returns400NamingDoctorEmail()
    {
        var patient = await api.RegisterPatient();
        var otherPatient = await api.RegisterPatient();

        var toPatient = await patient.Client.PostAsJsonAsync("/api/access-grants", new { doctorEmail = otherPatient.Email });
        var toNobody = await patient.Client.PostAsJsonAsync("/api/access-grants", new { doctorEmail = Api.NewEmail("nobody") });

        var first = await toPatient.ShouldBeValidationProblemFor("doctorEmail");
        var second = await toNobody.ShouldBeValidationProblemFor("doctorEmail");
        first.Errors!["doctorEmail"].Should().Equal(second.Errors!["doctorEmail"]);
    }

    [Fact]
    public async Task Grant_ByADoctor_Returns403()
    {
        var doctor = await api.RegisterDoctor();
        var otherDoctor = await api.RegisterDoctor();

        var response = await doctor.Client.PostAsJsonAsync("/api/access-grants", new { doctorEmail = otherDoctor.Email });

        await response.ShouldBeProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Grants_Anonymous_Return401()
    {
        using var client = api.Anonymous();

        (await client.PostAsJsonAsync("/api/access-grants", new { doctorEmail = "a@example.com" })).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await client.GetAsync("/api/access-grants")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await client.DeleteAsync($"/api/access-grants/{Guid.NewGuid()}")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await client.GetAsync("/api/doctor/patients")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task List_ShowsOnlyTheCallersGrants_ToPatientAndDoctor()
    {
        var patient = await api.RegisterPatient();
        var doctor = await api.RegisterDoctor();
        var stranger = await api.RegisterPatient();
        var otherDoctor = await api.RegisterDoctor();
        await patient.Client.PostAsJsonAsync("/api/access-grants", new { doctorEmail = doctor.Email });

        var patientView = await (await patient.Client.GetAsync("/api/access-grants")).ReadAs<PageAnswer<GrantAnswer>>();
        var doctorView = await (await doctor.Client.GetAsync("/api/access-grants")).ReadAs<PageAnswer<GrantAnswer>>();
        var strangerView = await (await stranger.Client.GetAsync("/api/access-grants")).ReadAs<PageAnswer<GrantAnswer>>();
        var otherDoctorView = await (await otherDoctor.Client.GetAsync("/api/access-grants")).ReadAs<PageAnswer<GrantAnswer>>();

        patientView.Items.Should().ContainSingle().Which.DoctorId.Should().Be(doctor.Id);
        doctorView.Items.Should().ContainSingle().Which.PatientId.Should().Be(patient.Id);
        strangerView.TotalCount.Should().Be(0);
        otherDoctorView.TotalCount.Should().Be(0);
    }

    [Theory]
    [InlineData("?page=0")]
    [InlineData("?pageSize=101")]
    [InlineData("?page=abc")]
    public async Task List_BadPaging_Returns400(string query)
    {
        var patient = await api.RegisterPatient();

        var response = await patient.Client.GetAsync("/api/access-grants" + query);

        var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest);
        problem.Errors.Should().ContainKey(query.Contains("pageSize", StringComparison.Ordinal) ? "pageSize" : "page");
    }

    [Fact]
    public async Task Revoke_EndsAccessAtOnce_ForADoctorWhoAlreadyHoldsAToken()
    {
        var patient = await api.RegisterPatient();
        var doctor = await api.RegisterDoctor();
        var grant = await (await patient.Client.PostAsJsonAsync("/api/access-grants", new { doctorEmail = doctor.Email })).ReadAs<GrantAnswer>(HttpStatusCode.Created);
        var file = await patient.Upload(SampleFiles.Pdf());
        (await (await doctor.Client.GetAsync("/api/doctor/patients")).ReadAs<List<DoctorPatientAnswer>>()).Should().ContainSingle();
        (await doctor.Client.GetAsync($"/api/files/download/{file.Id}")).StatusCode.Should().Be(HttpStatusCode.OK);

        var revoke = await patient.Client.DeleteAsync($"/api/access-grants/{grant.Id}");

        revoke.StatusCode.Should().Be(HttpStatusCode.NoContent);
        // The same token, the same requests: every record route now refuses, and the refusal is in the patient's log.
        await (await doctor.Client.GetAsync($"/api/files/download/{file.Id}")).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await doctor.Client.GetAsync($"/api/files/{patient.Id}")).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await doctor.Client.GetAsync($"/api/emergency-profile/{patient.Id}")).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await doctor.Client.GetAsync($"/api/dashboard/stats/{patient.Id}")).ShouldBeProblem(HttpStatusCode.NotFound);
        (await (await doctor.Client.GetAsync("/api/doctor/patients")).ReadAs<List<DoctorPatientAnswer>>()).Should().BeEmpty();
        var log = await patient.AccessLog(patient.Id);
        log.Items.Where(e => e.ActorId == doctor.Id && e.Outcome == "denied").Should().HaveCount(4);
        var listed = await (await patient.Client.GetAsync("/api/access-grants")).ReadAs<PageAnswer<GrantAnswer>>();
        listed.Items.Single().RevokedAt.Should().NotBeNull();
        (await patient.Client.DeleteAsync($"/api/access-grants/{grant.Id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Revoke_AnotherPatientsGrant_Returns404AndChangesNothing()
    {
        var patient = await api.RegisterPatient();
        var doctor = await api.RegisterDoctor();
        var stranger = await api.RegisterPatient();
        var grant = await (await patient.Client.PostAsJsonAsync("/api/access-grants", new { doctorEmail = doctor.Email })).ReadAs<GrantAnswer>(HttpStatusCode.Created);

        var response = await stranger.Client.DeleteAsync($"/api/access-grants/{grant.Id}");
        var byDoctor = await doctor.Client.DeleteAsync($"/api/access-grants/{grant.Id}");

        await response.ShouldBeProblem(HttpStatusCode.NotFound);
        await byDoctor.ShouldBeProblem(HttpStatusCode.Forbidden);
        (await (await doctor.Client.GetAsync("/api/doctor/patients")).ReadAs<List<DoctorPatientAnswer>>()).Should().ContainSingle();
        (await patient.Client.DeleteAsync($"/api/access-grants/{grant.Id}")).StatusCode.Should().Be(HttpStatusCode.NoContent, "the owner's request on the same route succeeds");
        (await (await doctor.Client.GetAsync("/api/doctor/patients")).ReadAs<List<DoctorPatientAnswer>>()).Should().BeEmpty();
    }

    [Fact]
    public async Task Revoke_UnknownOrMalformedId_Returns404_WhileTheSameRouteRevokesARealGrant()
    {
        var patient = await api.RegisterPatient();
        var doctor = await api.RegisterDoctor();
        var grant = await (await patient.Client.PostAsJsonAsync("/api/access-grants", new { doctorEmail = doctor.Email })).ReadAs<GrantAnswer>(HttpStatusCode.Created);

        var unknown = await patient.Client.DeleteAsync($"/api/access-grants/{Guid.NewGuid()}");
        var malformed = await patient.Client.DeleteAsync("/api/access-grants/not-a-guid");
        var real = await patient.Client.DeleteAsync($"/api/access-grants/{grant.Id}");

        await unknown.ShouldBeProblem(HttpStatusCode.NotFound);
        malformed.StatusCode.Should().Be(HttpStatusCode.NotFound);
        real.StatusCode.Should().Be(HttpStatusCode.NoContent, "the route exists: the 404 above is the app's refusal, not a missing route");
        (await (await doctor.Client.GetAsync("/api/doctor/patients")).ReadAs<List<DoctorPatientAnswer>>()).Should().BeEmpty();
    }

    [Fact]
    public async Task DoctorPatients_ByAPatient_Returns403()
    {
        var patient = await api.RegisterPatient();

        var response = await patient.Client.GetAsync("/api/doctor/patients");

        await response.ShouldBeProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task DoctorPatients_ExpiredGrant_IsNotListed()
    {
        var clockFactory = new MediVaultFactory { Clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow) };
        await using (clockFactory)
        {
            var clock = (Microsoft.Extensions.Time.Testing.FakeTimeProvider)clockFactory.Clock!;
            var clockApi = new Api(clockFactory);
            var patient = await clockApi.RegisterPatient();
            var doctor = await clockApi.RegisterDoctor();
            await patient.Client.PostAsJsonAsync("/api/access-grants", new { doctorEmail = doctor.Email, expiresAt = clock.GetUtcNow().UtcDateTime.AddHours(1) });
            (await (await doctor.Client.GetAsync("/api/doctor/patients")).ReadAs<List<DoctorPatientAnswer>>()).Should().ContainSingle();

            clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

            (await (await doctor.Client.GetAsync("/api/doctor/patients")).ReadAs<List<DoctorPatientAnswer>>()).Should().BeEmpty();
        }
    }
}
