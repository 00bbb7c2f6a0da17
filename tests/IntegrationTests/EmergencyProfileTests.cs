using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using MediVault.Domain.Ledger;
using MediVault.IntegrationTests.Infrastructure;

namespace MediVault.IntegrationTests;

public sealed class EmergencyProfileTests(MediVaultFactory factory) : IClassFixture<MediVaultFactory>
{
    private readonly Api api = new(factory);

    [Fact]
    public async Task Get_NoProfileYet_Returns404()
    {
        var patient = await api.RegisterPatient();

        var response = await patient.Client.GetAsync($"/api/emergency-profile/{patient.Id}");

        var problem = await response.ShouldBeProblem(HttpStatusCode.NotFound);
        problem.Detail.Should().Be("No emergency profile has been saved yet.", "the refusal is the handler's, not a missing route's");
    }

    [Fact]
    public async Task Post_ValidProfile_Returns200WithTheProfile()
    {
        var patient = await api.RegisterPatient("Sakshi Verma");

        var response = await patient.Client.PostAsJsonAsync($"/api/emergency-profile/{patient.Id}", EmergencyRequests.SampleProfile());

        var profile = await response.ReadAs<ProfileAnswer>();
        profile.PatientId.Should().Be(patient.Id);
        profile.FullName.Should().Be("Sakshi Verma");
        profile.DateOfBirth.Should().Be("1990-04-02");
        profile.BloodType.Should().Be("O+");
        profile.Allergies.Should().Equal(
            new AllergyAnswer("Dust", "Sneezing", "mild"), new AllergyAnswer("Penicillin", "Anaphylaxis", "severe"));
        profile.Conditions.Should().Equal(new ConditionAnswer("Asthma", "Since childhood"));
        profile.Medications.Should().Equal(new MedicationAnswer("Salbutamol", "100 mcg", "as needed"));
        profile.EmergencyContacts.Should().Equal(new ContactAnswer("Ravi Verma", "brother", "+91 98765 43210"));
        profile.OrganDonor.Should().BeTrue();
        profile.MedicalNotes.Should().Be("Carries an inhaler.");
        profile.UpdatedAt.Should().BeCloseTo(DateTime.UtcNow, TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Get_AfterSave_ReturnsTheSavedProfile()
    {
        var patient = await api.RegisterPatient();
        var saved = await patient.SaveProfile();

        var response = await patient.Client.GetAsync($"/api/emergency-profile/{patient.Id}");

        (await response.ReadAs<ProfileAnswer>()).Should().BeEquivalentTo(saved);
    }

    [Fact]
    public async Task Put_ExistingProfile_ReplacesItWhole()
    {
        var patient = await api.RegisterPatient();
        await patient.SaveProfile();

        var response = await patient.Client.PutAsJsonAsync($"/api/emergency-profile/{patient.Id}", new
        {
            bloodType = "ab-",
            allergies = new[] { new { substance = "Latex", severity = "Moderate" } },
            organDonor = false,
        });

        var profile = await response.ReadAs<ProfileAnswer>();
        profile.BloodType.Should().Be("AB-");
        profile.Allergies.Should().Equal(new AllergyAnswer("Latex", null, "moderate"));
        profile.Conditions.Should().BeEmpty();
        profile.EmergencyContacts.Should().BeEmpty();
        profile.DateOfBirth.Should().BeNull();
        profile.MedicalNotes.Should().BeNull();
        (await (await patient.Client.GetAsync($"/api/emergency-profile/{patient.Id}")).ReadAs<ProfileAnswer>())
            .Should().BeEquivalentTo(profile);
    }

    [Fact]
    public async Task Put_Anonymous_Returns401AndChangesNothing()
    {
        var patient = await api.RegisterPatient();
        var saved = await patient.SaveProfile();
        using var anonymous = api.Anonymous();

        var response = await anonymous.PutAsJsonAsync($"/api/emergency-profile/{patient.Id}", new { bloodType = "B-" });

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await (await patient.Client.GetAsync($"/api/emergency-profile/{patient.Id}")).ReadAs<ProfileAnswer>()).Should().BeEquivalentTo(saved);
    }

    [Fact]
    public async Task Put_OtherPatientsProfile_Returns404LogsTheRefusalAndChangesNothing()
    {
        var owner = await api.RegisterPatient();
        var saved = await owner.SaveProfile();
        var stranger = await api.RegisterPatient();

        var response = await stranger.Client.PutAsJsonAsync($"/api/emergency-profile/{owner.Id}", new { bloodType = "B-" });
        var nobody = await stranger.Client.PutAsJsonAsync($"/api/emergency-profile/{Guid.CreateVersion7()}", new { bloodType = "B-" });

        var problem = await response.ShouldBeProblem(HttpStatusCode.NotFound);
        problem.Detail.Should().Be((await nobody.ShouldBeProblem(HttpStatusCode.NotFound)).Detail, "a foreign profile looks like a missing one");
        (await (await owner.Client.GetAsync($"/api/emergency-profile/{owner.Id}")).ReadAs<ProfileAnswer>()).Should().BeEquivalentTo(saved);
        (await owner.AccessLog(owner.Id)).Items.Should().ContainSingle(e => e.Action == "profile-updated" && e.Outcome == "denied")
            .Which.ActorId.Should().Be(stranger.Id);
    }

    [Fact]
    public async Task Put_DoctorWithGrant_Returns404BecauseOnlyThePatientWrites()
    {
        var patient = await api.RegisterPatient();
        var saved = await patient.SaveProfile();
        var doctor = await api.RegisterDoctor();
        await patient.GrantAccessTo(doctor);

        var response = await doctor.Client.PutAsJsonAsync($"/api/emergency-profile/{patient.Id}", new { bloodType = "B-" });

        await response.ShouldBeProblem(HttpStatusCode.NotFound);
        (await (await doctor.Client.GetAsync($"/api/emergency-profile/{patient.Id}")).ReadAs<ProfileAnswer>()).Should().BeEquivalentTo(saved);
    }

    [Theory]
    [MemberData(nameof(BadProfiles))]
    public async Task Put_BadInput_Returns400NamingTheFieldAndKeepsTheSavedProfile(string field, string json)
    {
        var patient = await api.RegisterPatient();
        var saved = await patient.SaveProfile();

        var response = await patient.Client.PutAsync(
            $"/api/emergency-profile/{patient.Id}", new StringContent(json, Encoding.UTF8, "application/json"));

        await response.ShouldBeValidationProblemFor(field);
        (await (await patient.Client.GetAsync($"/api/emergency-profile/{patient.Id}")).ReadAs<ProfileAnswer>()).Should().BeEquivalentTo(saved);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""{ "bloodType": "O+", """)]
    [InlineData("""{ "organDonor": "maybe" }""")]
    public async Task Put_MalformedBody_Returns400AndKeepsTheSavedProfile(string body)
    {
        var patient = await api.RegisterPatient();
        var saved = await patient.SaveProfile();

        var response = await patient.Client.PutAsync(
            $"/api/emergency-profile/{patient.Id}", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest);
        problem.Detail.Should().NotBeNullOrWhiteSpace();
        (await (await patient.Client.GetAsync($"/api/emergency-profile/{patient.Id}")).ReadAs<ProfileAnswer>()).Should().BeEquivalentTo(saved);
    }

    [Fact]
    public async Task Post_WithoutBloodType_SavesUnknown()
    {
        var patient = await api.RegisterPatient();

        var profile = await patient.SaveProfile(new { organDonor = false });

        profile.BloodType.Should().Be("unknown");
    }

    [Fact]
    public async Task Get_Anonymous_Returns401()
    {
        var patient = await api.RegisterPatient();
        await patient.SaveProfile();
        using var anonymous = api.Anonymous();

        var response = await anonymous.GetAsync($"/api/emergency-profile/{patient.Id}");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Post_Anonymous_Returns401()
    {
        var patient = await api.RegisterPatient();
        using var anonymous = api.Anonymous();

        var response = await anonymous.PostAsJsonAsync($"/api/emergency-profile/{patient.Id}", EmergencyRequests.SampleProfile());

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Get_OtherPatientsProfile_Returns404LikeANonexistentOne()
    {
        var owner = await api.RegisterPatient();
        await owner.SaveProfile();
        var stranger = await api.RegisterPatient();

        var response = await stranger.Client.GetAsync($"/api/emergency-profile/{owner.Id}");
        var nobody = await stranger.Client.GetAsync($"/api/emergency-profile/{Guid.CreateVersion7()}");

        var problem = await response.ShouldBeProblem(HttpStatusCode.NotFound);
        var nobodyProblem = await nobody.ShouldBeProblem(HttpStatusCode.NotFound);
        problem.Detail.Should().Be(nobodyProblem.Detail);
        (await response.Content.ReadAsStringAsync()).Should().NotContain("Penicillin");
        (await owner.AccessLog(owner.Id)).Items.Should().ContainSingle(e => e.Action == "profile-viewed" && e.Outcome == "denied")
            .Which.ActorId.Should().Be(stranger.Id);
    }

    [Fact]
    public async Task Post_OtherPatientsProfile_Returns404AndChangesNothing()
    {
        var owner = await api.RegisterPatient();
        var before = await owner.SaveProfile();
        var stranger = await api.RegisterPatient();

        var response = await stranger.Client.PostAsJsonAsync($"/api/emergency-profile/{owner.Id}", new { bloodType = "B-" });

        await response.ShouldBeProblem(HttpStatusCode.NotFound);
        (await (await owner.Client.GetAsync($"/api/emergency-profile/{owner.Id}")).ReadAs<ProfileAnswer>())
            .Should().BeEquivalentTo(before);
    }

    [Fact]
    public async Task Get_DoctorWithGrant_Returns200AndLogsProfileViewedAsDoctor()
    {
        var patient = await api.RegisterPatient();
        var saved = await patient.SaveProfile();
        var doctor = await api.RegisterDoctor("Dr. Meera Sharma");
        await patient.GrantAccessTo(doctor);

        var response = await doctor.Client.GetAsync($"/api/emergency-profile/{patient.Id}");

        (await response.ReadAs<ProfileAnswer>()).Should().BeEquivalentTo(saved);
        var log = await patient.AccessLog(patient.Id);
        log.Items.Should().ContainSingle(e => e.Action == "profile-viewed").Which.Should().BeEquivalentTo(new
        {
            ActorId = (Guid?)doctor.Id,
            ActorName = "Dr. Meera Sharma",
            ActorRole = "doctor",
            ResourceType = "emergency-profile",
            ResourceId = (Guid?)patient.Id,
            Outcome = "success",
        });
    }

    [Fact]
    public async Task Get_OwnProfile_IsNotLoggedAsAView()
    {
        var patient = await api.RegisterPatient();
        await patient.SaveProfile();

        (await patient.Client.GetAsync($"/api/emergency-profile/{patient.Id}")).StatusCode.Should().Be(HttpStatusCode.OK);

        (await patient.AccessLog(patient.Id)).Items.Should().NotContain(e => e.Action == "profile-viewed");
    }

    [Fact]
    public async Task Get_DoctorWithoutGrant_Returns404AndLogsTheDeniedAttempt()
    {
        var patient = await api.RegisterPatient();
        await patient.SaveProfile();
        var doctor = await api.RegisterDoctor();

        var response = await doctor.Client.GetAsync($"/api/emergency-profile/{patient.Id}");

        await response.ShouldBeProblem(HttpStatusCode.NotFound);
        (await patient.AccessLog(patient.Id)).Items.Should().ContainSingle(e => e.Action == "profile-viewed")
            .Which.Should().BeEquivalentTo(new { ActorId = (Guid?)doctor.Id, ActorRole = "doctor", Outcome = "denied" });
    }

    [Fact]
    public async Task Post_DoctorWithGrant_Returns404BecauseOnlyThePatientWrites()
    {
        var patient = await api.RegisterPatient();
        var saved = await patient.SaveProfile();
        var doctor = await api.RegisterDoctor();
        await patient.GrantAccessTo(doctor);

        var response = await doctor.Client.PostAsJsonAsync($"/api/emergency-profile/{patient.Id}", new { bloodType = "B-" });

        await response.ShouldBeProblem(HttpStatusCode.NotFound);
        (await (await patient.Client.GetAsync($"/api/emergency-profile/{patient.Id}")).ReadAs<ProfileAnswer>())
            .Should().BeEquivalentTo(saved);
    }

    [Fact]
    public async Task Post_DoctorOwnId_Returns404()
    {
        var doctor = await api.RegisterDoctor();

        var response = await doctor.Client.PostAsJsonAsync($"/api/emergency-profile/{doctor.Id}", EmergencyRequests.SampleProfile());

        await response.ShouldBeProblem(HttpStatusCode.NotFound);
    }

    public static TheoryData<string, string> BadProfiles => new()
    {
        { "bloodType", """{ "bloodType": "C+" }""" },
        { "bloodType", """{ "bloodType": "APositive" }""" },
        { "allergies[0].severity", """{ "allergies": [ { "substance": "Nuts", "severity": "deadly" } ] }""" },
        { "allergies[0].severity", """{ "allergies": [ { "substance": "Nuts" } ] }""" },
        { "allergies[0].substance", """{ "allergies": [ { "substance": "  ", "severity": "mild" } ] }""" },
        { "conditions[0].name", """{ "conditions": [ { "notes": "no name" } ] }""" },
        { "medications[0].name", """{ "medications": [ { "name": "" } ] }""" },
        { "emergencyContacts[0].name", """{ "emergencyContacts": [ { "name": "", "relationship": "brother", "phone": "112" } ] }""" },
        { "emergencyContacts[0].phone", """{ "emergencyContacts": [ { "name": "Ravi", "relationship": "brother", "phone": "call me maybe" } ] }""" },
        { "emergencyContacts[0].phone", """{ "emergencyContacts": [ { "name": "Ravi", "relationship": "brother", "phone": "<script>" } ] }""" },
        { "dateOfBirth", """{ "dateOfBirth": "2999-01-01" }""" },
        { "dateOfBirth", """{ "dateOfBirth": "1899-12-31" }""" },
        { "dateOfBirth", """{ "dateOfBirth": "1990-13-01" }""" },
        { "medicalNotes", $$"""{ "medicalNotes": "{{new string('x', 4001)}}" }""" },
        { "conditions[0].notes", $$"""{ "conditions": [ { "name": "Asthma", "notes": "{{new string('x', 1001)}}" } ] }""" },
        { "allergies", $$"""{ "allergies": [ {{string.Join(",", Enumerable.Repeat("""{ "substance": "Nuts", "severity": "mild" }""", 51))}} ] }""" },
        { "emergencyContacts", $$"""{ "emergencyContacts": [ {{string.Join(",", Enumerable.Repeat("""{ "name": "R", "relationship": "b", "phone": "112" }""", 51))}} ] }""" },
    };

    [Theory]
    [MemberData(nameof(BadProfiles))]
    public async Task Post_BadInput_Returns400NamingTheField(string field, string json)
    {
        var patient = await api.RegisterPatient();

        var response = await patient.Client.PostAsync(
            $"/api/emergency-profile/{patient.Id}", new StringContent(json, Encoding.UTF8, "application/json"));

        await response.ShouldBeValidationProblemFor(field);
        (await patient.Client.GetAsync($"/api/emergency-profile/{patient.Id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Post_Profile_AppendsProfileUpdatedBlockHashingTheCanonicalJson()
    {
        var patient = await api.RegisterPatient();

        var response = await patient.Client.PostAsJsonAsync($"/api/emergency-profile/{patient.Id}", EmergencyRequests.SampleProfile());

        // The recipe of docs/emergency.md, done independently: the answer without fullName, keys sorted, no whitespace.
        var profile = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        profile.Remove("fullName");
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(profile))));
        var block = (await factory.LedgerBlocks(LedgerBlockKind.ProfileUpdated, patient.Id)).Should().ContainSingle().Subject;
        block.PayloadHash.Should().Be(expected);
        block.SubjectId.Should().Be(patient.Id);
        (await patient.AccessLog(patient.Id)).Items.Should().ContainSingle(e => e.Action == "profile-updated")
            .Which.Should().BeEquivalentTo(new { ActorId = (Guid?)patient.Id, ActorRole = "patient", ResourceType = "emergency-profile", Outcome = "success" });
    }

    [Fact]
    public async Task Post_Twice_AppendsABlockPerSave()
    {
        var patient = await api.RegisterPatient();

        await patient.SaveProfile();
        await patient.SaveProfile(new { bloodType = "B+" });

        var blocks = await factory.LedgerBlocks(LedgerBlockKind.ProfileUpdated, patient.Id);
        blocks.Should().HaveCount(2);
        blocks[0].PayloadHash.Should().NotBe(blocks[1].PayloadHash);
    }

    /// <summary>RFC 8785 for the ASCII-only test profile: sorted keys, no whitespace, minimal escaping.</summary>
    private static string Canonical(JsonNode? node) => node switch
    {
        JsonObject obj => "{" + string.Join(",", obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => JsonSerializer.Serialize(p.Key, Relaxed) + ":" + Canonical(p.Value))) + "}",
        JsonArray array => "[" + string.Join(",", array.Select(Canonical)) + "]",
        null => "null",
        _ => node.ToJsonString(Relaxed),
    };

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
