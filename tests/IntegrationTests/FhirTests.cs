using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using MediVault.IntegrationTests.Infrastructure;

namespace MediVault.IntegrationTests;

/// <summary>The FHIR R4 API under /fhir/r4 and SMART discovery: each endpoint's happy path, anonymous caller, foreign patient and bad input.</summary>
public sealed class FhirTests(FhirFactory factory) : IClassFixture<FhirFactory>
{
    private readonly Api api = new(factory);

    [Fact]
    public async Task Metadata_Anonymous_IsACapabilityStatementWithTheSmartSecurityExtension()
    {
        using var client = api.Anonymous();

        var statement = await (await client.GetAsync("/fhir/r4/metadata")).ShouldBeFhir();

        statement.GetProperty("resourceType").GetString().Should().Be("CapabilityStatement");
        statement.GetProperty("fhirVersion").GetString().Should().Be("4.0.1");
        var security = statement.GetProperty("rest")[0].GetProperty("security");
        security.GetProperty("service")[0].GetProperty("coding")[0].GetProperty("code").GetString().Should().Be("SMART-on-FHIR");
        var oauth = security.GetProperty("extension")[0];
        oauth.GetProperty("url").GetString().Should().Be("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris");
        oauth.GetProperty("extension").EnumerateArray().Select(e => e.GetProperty("url").GetString()).Should().Contain(["authorize", "token"]);
    }

    [Fact]
    public async Task SmartConfiguration_Anonymous_AdvertisesEndpointsCapabilitiesS256AndScopes()
    {
        using var client = api.Anonymous();

        var response = await client.GetAsync("/.well-known/smart-configuration");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        root.GetProperty("authorization_endpoint").GetString().Should().EndWith("/connect/authorize");
        root.GetProperty("token_endpoint").GetString().Should().EndWith("/connect/token");
        Strings(root.GetProperty("capabilities")).Should().BeEquivalentTo(
            "launch-standalone", "client-public", "client-confidential-symmetric", "context-standalone-patient",
            "permission-v2", "permission-patient", "permission-user", "sso-openid-connect");
        Strings(root.GetProperty("code_challenge_methods_supported")).Should().Equal("S256");
        Strings(root.GetProperty("scopes_supported")).Should().Contain(["patient/*.rs", "user/*.rs", "launch/patient", "patient/DocumentReference.rs"]);
    }

    [Fact]
    public async Task Patient_Owner_ReadsThemselfWithContactsOrganDonorAndBirthDate()
    {
        var patient = await api.RegisterPatient("Asha Verma");
        await patient.SaveProfile();

        var resource = await (await patient.Client.GetAsync($"/fhir/r4/Patient/{patient.Id}")).ShouldBeFhir();

        resource.GetProperty("resourceType").GetString().Should().Be("Patient");
        resource.GetProperty("id").GetString().Should().Be(patient.Id.ToString());
        resource.GetProperty("name")[0].GetProperty("text").GetString().Should().Be("Asha Verma");
        resource.GetProperty("birthDate").GetString().Should().Be("1990-04-02");
        var contact = resource.GetProperty("contact")[0];
        contact.GetProperty("name").GetProperty("text").GetString().Should().Be("Ravi Verma");
        contact.GetProperty("telecom")[0].GetProperty("value").GetString().Should().Be("+91 98765 43210");
        resource.GetProperty("extension")[0].GetProperty("valueBoolean").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task Patient_Anonymous_Is401Outcome()
    {
        var patient = await api.RegisterPatient();
        using var client = api.Anonymous();

        var response = await client.GetAsync($"/fhir/r4/Patient/{patient.Id}");

        await response.ShouldBeOutcome(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.Should().ContainSingle(h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task Patient_InvalidBearerToken_Is401Outcome()
    {
        var patient = await api.RegisterPatient();
        using var client = api.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token");

        await (await client.GetAsync($"/fhir/r4/Patient/{patient.Id}")).ShouldBeOutcome(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("Patient")]
    [InlineData("DocumentReference")]
    [InlineData("Binary")]
    [InlineData("AllergyIntolerance")]
    public async Task Read_OtherPatientsResource_Is404Outcome(string type)
    {
        var owner = await api.RegisterPatient();
        await owner.SaveProfile();
        var file = await owner.Upload(SampleFiles.Pdf(), "lab.pdf");
        var stranger = await api.RegisterPatient();
        var id = type switch
        {
            "Patient" => owner.Id.ToString(),
            "AllergyIntolerance" => $"allergy-{owner.Id:N}-0",
            _ => file.Id.ToString(),
        };

        var response = await stranger.Client.GetAsync($"/fhir/r4/{type}/{id}");

        if (type == "Binary")
            response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        else
            await response.ShouldBeOutcome(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/fhir/r4/Patient/not-a-uuid")]
    [InlineData("/fhir/r4/AllergyIntolerance/allergy-zzz-0")]
    [InlineData("/fhir/r4/DocumentReference/00000000-0000-0000-0000-000000000001")]
    [InlineData("/fhir/r4/Observation/1")]
    [InlineData("/fhir/r4/Patient/not-a-uuid/$summary")]
    [InlineData("/fhir/r5/metadata")]
    public async Task Read_BadOrUnknownId_Is404Outcome(string path)
    {
        var patient = await api.RegisterPatient();

        await (await patient.Client.GetAsync(path)).ShouldBeOutcome(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Write_AnyMethodButGet_Is405Outcome()
    {
        var patient = await api.RegisterPatient();

        var response = await patient.Client.PostAsJsonAsync("/fhir/r4/Patient", new { resourceType = "Patient" });

        (await response.ShouldBeOutcome(HttpStatusCode.MethodNotAllowed)).Should().Contain("read-only");
    }

    [Fact]
    public async Task Read_AcceptingOnlyXml_Is406Outcome()
    {
        var patient = await api.RegisterPatient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/fhir/r4/Patient/{patient.Id}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+xml"));

        await (await patient.Client.SendAsync(request)).ShouldBeOutcome(HttpStatusCode.NotAcceptable);
    }

    [Fact]
    public async Task ProfileResources_SearchAndRead_MapTheEmergencyProfile()
    {
        var patient = await api.RegisterPatient();
        await patient.SaveProfile();

        var allergies = await (await patient.Client.GetAsync($"/fhir/r4/AllergyIntolerance?patient={patient.Id}")).ShouldBeFhir();
        var conditions = await (await patient.Client.GetAsync($"/fhir/r4/Condition?patient=Patient/{patient.Id}")).ShouldBeFhir();
        var medications = await (await patient.Client.GetAsync($"/fhir/r4/MedicationStatement?patient={patient.Id}")).ShouldBeFhir();
        var severe = await (await patient.Client.GetAsync($"/fhir/r4/AllergyIntolerance/allergy-{patient.Id:N}-1")).ShouldBeFhir();

        allergies.GetProperty("total").GetInt32().Should().Be(2);
        conditions.GetProperty("entry")[0].GetProperty("resource").GetProperty("code").GetProperty("text").GetString().Should().Be("Asthma");
        medications.GetProperty("entry")[0].GetProperty("resource").GetProperty("dosage")[0].GetProperty("text").GetString()
            .Should().Be("100 mcg, as needed");
        severe.GetProperty("code").GetProperty("text").GetString().Should().Be("Penicillin");
        severe.GetProperty("criticality").GetString().Should().Be("high");
        severe.GetProperty("reaction")[0].GetProperty("severity").GetString().Should().Be("severe");
    }

    [Fact]
    public async Task DocumentReference_Search_FiltersByCategoryAndDate_PagesWithNext_AndCarriesBothHashes()
    {
        var patient = await api.RegisterPatient();
        var content = SampleFiles.Pdf(5000);
        var lab = await patient.Upload(content, "lab.pdf", ("category", "lab-report"));
        await patient.Upload(SampleFiles.Pdf(), "second-lab.pdf", ("category", "lab-report"));
        await patient.Upload(SampleFiles.Png(), "scan.png", ("category", "imaging"));
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var firstPage = await (await patient.Client.GetAsync(
            $"/fhir/r4/DocumentReference?patient={patient.Id}&category=lab-report&date=ge{today}&_count=1")).ShouldBeFhir();
        var next = firstPage.GetProperty("link").EnumerateArray().Single(l => l.GetProperty("relation").GetString() == "next")
            .GetProperty("url").GetString()!;
        var secondPage = await (await patient.Client.GetAsync(new Uri(next).PathAndQuery)).ShouldBeFhir();
        var loinc = await (await patient.Client.GetAsync($"/fhir/r4/DocumentReference?patient={patient.Id}&category=http://loinc.org|18748-4")).ShouldBeFhir();
        var none = await (await patient.Client.GetAsync($"/fhir/r4/DocumentReference?patient={patient.Id}&date=lt2000-01-01")).ShouldBeFhir();

        firstPage.GetProperty("type").GetString().Should().Be("searchset");
        firstPage.GetProperty("total").GetInt32().Should().Be(2);
        secondPage.GetProperty("link").EnumerateArray().Should().NotContain(l => l.GetProperty("relation").GetString() == "next");
        var documents = new[] { firstPage, secondPage }.Select(p => p.GetProperty("entry")[0].GetProperty("resource")).ToList();
        var labDocument = documents.Single(d => d.GetProperty("id").GetString() == lab.Id.ToString());
        var attachment = labDocument.GetProperty("content")[0].GetProperty("attachment");
#pragma warning disable CA5350 // FHIR's Attachment.hash is SHA-1
        attachment.GetProperty("hash").GetString().Should().Be(Convert.ToBase64String(SHA1.HashData(content)));
#pragma warning restore CA5350
        attachment.GetProperty("extension")[0].GetProperty("valueString").GetString().Should().Be(lab.Sha256);
        attachment.GetProperty("size").GetInt32().Should().Be(5000);
        attachment.GetProperty("url").GetString().Should().Be($"Binary/{lab.Id}");
        labDocument.GetProperty("category")[0].GetProperty("coding").EnumerateArray().Select(c => c.GetProperty("code").GetString())
            .Should().Contain(["lab-report", "11502-2"]);
        loinc.GetProperty("total").GetInt32().Should().Be(1);
        none.GetProperty("total").GetInt32().Should().Be(0);
    }

    [Theory]
    [InlineData("DocumentReference?patient={0}&status=current", "status")]
    [InlineData("DocumentReference?patient={0}&category=x-ray", "category")]
    [InlineData("DocumentReference?patient={0}&date=yesterday", "date")]
    [InlineData("DocumentReference?patient={0}&_count=0", "_count")]
    [InlineData("DocumentReference?patient={0}&_count=abc", "_count")]
    [InlineData("DocumentReference?category=lab-report", "patient")]
    [InlineData("DocumentReference?patient=Patient/123", "patient")]
    [InlineData("AuditEvent?patient={0}&category=lab-report", "category")]
    [InlineData("Patient?name=Smith", "Patient")]
    public async Task Search_BadParameter_Is400OutcomeNamingIt(string query, string named)
    {
        var patient = await api.RegisterPatient();

        var response = await patient.Client.GetAsync("/fhir/r4/" + string.Format(System.Globalization.CultureInfo.InvariantCulture, query, patient.Id));

        (await response.ShouldBeOutcome(HttpStatusCode.BadRequest)).Should().Contain(named);
    }

    [Fact]
    public async Task Search_OtherPatient_Is404Outcome()
    {
        var owner = await api.RegisterPatient();
        await owner.Upload(SampleFiles.Pdf(), "lab.pdf");
        var stranger = await api.RegisterPatient();

        await (await stranger.Client.GetAsync($"/fhir/r4/DocumentReference?patient={owner.Id}")).ShouldBeOutcome(HttpStatusCode.NotFound);
        await (await stranger.Client.GetAsync($"/fhir/r4/AuditEvent?patient={owner.Id}")).ShouldBeOutcome(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Search_Anonymous_Is401Outcome()
    {
        var owner = await api.RegisterPatient();
        using var client = api.Anonymous();

        await (await client.GetAsync($"/fhir/r4/DocumentReference?patient={owner.Id}")).ShouldBeOutcome(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Binary_Owner_StreamsTheDecryptedBytes()
    {
        var patient = await api.RegisterPatient();
        var content = SampleFiles.Pdf(70_000);
        var file = await patient.Upload(content, "scan.pdf");

        var response = await patient.Client.GetAsync($"/fhir/r4/Binary/{file.Id}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/pdf");
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(content);
    }

    [Fact]
    public async Task Binary_Anonymous_Is401Outcome()
    {
        var patient = await api.RegisterPatient();
        var file = await patient.Upload(SampleFiles.Pdf(), "scan.pdf");
        using var client = api.Anonymous();

        await (await client.GetAsync($"/fhir/r4/Binary/{file.Id}")).ShouldBeOutcome(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Summary_GrantedDoctor_GetsTheIpsDocument_AndThePatientsLogNamesTheDoctorAndClient()
    {
        var patient = await api.RegisterPatient();
        await patient.SaveProfile();
        var doctor = await api.RegisterDoctor("Dr. Lee");
        await patient.GrantAccessTo(doctor);
        using var portal = await api.WithSmartScopes(doctor, "user/*.rs");

        var bundle = await (await portal.GetAsync($"/fhir/r4/Patient/{patient.Id}/$summary")).ShouldBeFhir();

        bundle.GetProperty("type").GetString().Should().Be("document");
        var composition = bundle.GetProperty("entry")[0].GetProperty("resource");
        composition.GetProperty("resourceType").GetString().Should().Be("Composition");
        composition.GetProperty("type").GetProperty("coding")[0].GetProperty("code").GetString().Should().Be("60591-5");
        composition.GetProperty("section").EnumerateArray()
            .Select(s => s.GetProperty("code").GetProperty("coding")[0].GetProperty("code").GetString())
            .Should().Contain(["10160-0", "48765-2", "11450-4"]);
        var log = await patient.AccessLog(patient.Id);
        log.Items.Should().Contain(e => e.ResourceType == "fhir:Patient/$summary" && e.ActorName == "Dr. Lee via MediVault web app" && e.ActorRole == "doctor");
    }

    [Fact]
    public async Task Summary_Anonymous_Is401_AndForeign_Is404()
    {
        var patient = await api.RegisterPatient();
        var stranger = await api.RegisterDoctor();
        using var anonymous = api.Anonymous();

        await (await anonymous.GetAsync($"/fhir/r4/Patient/{patient.Id}/$summary")).ShouldBeOutcome(HttpStatusCode.Unauthorized);
        await (await stranger.Client.GetAsync($"/fhir/r4/Patient/{patient.Id}/$summary")).ShouldBeOutcome(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AuditEvent_Owner_SearchesAndReadsTheAccessLog_WithDateFilter()
    {
        var patient = await api.RegisterPatient();
        await patient.Upload(SampleFiles.Pdf(), "lab.pdf");
        var entryId = (await patient.AccessLog(patient.Id)).Items[0].Id;

        var search = await (await patient.Client.GetAsync($"/fhir/r4/AuditEvent?patient={patient.Id}&date=ge2020-01")).ShouldBeFhir();
        var read = await (await patient.Client.GetAsync($"/fhir/r4/AuditEvent/{entryId}")).ShouldBeFhir();
        var future = await (await patient.Client.GetAsync($"/fhir/r4/AuditEvent?patient={patient.Id}&date=gt2999-01-01")).ShouldBeFhir();

        search.GetProperty("total").GetInt32().Should().BeGreaterThan(0);
        read.GetProperty("resourceType").GetString().Should().Be("AuditEvent");
        read.GetProperty("entity")[0].GetProperty("what").GetProperty("reference").GetString().Should().Be($"Patient/{patient.Id}");
        future.GetProperty("total").GetInt32().Should().Be(0);
    }

    [Fact]
    public async Task CookieSession_OfTheWebApp_ReadsUnderTheSameRules()
    {
        var patient = await api.RegisterPatient();
        var other = await api.RegisterPatient();
        using var browser = api.Browser();
        (await browser.PostAsJsonAsync("/api/auth/login", new { email = patient.Email, password = patient.Password })).EnsureSuccessStatusCode();

        await (await browser.GetAsync($"/fhir/r4/Patient/{patient.Id}")).ShouldBeFhir();
        await (await browser.GetAsync($"/fhir/r4/Patient/{other.Id}")).ShouldBeOutcome(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ClientCredentials_WithoutSystemScopes_Is403OutcomeSayingWhy()
    {
        var patient = await api.RegisterPatient();
        using var backend = await api.AsBackendClient();

        var diagnostics = await (await backend.GetAsync($"/fhir/r4/Patient/{patient.Id}")).ShouldBeOutcome(HttpStatusCode.Forbidden);

        diagnostics.Should().Contain("system/").And.Contain("configuration");
    }

    [Fact]
    public async Task SmartToken_WithoutSearchPermission_CannotSearch()
    {
        var patient = await api.RegisterPatient();
        using var portal = await api.WithSmartScopes(patient, "patient/DocumentReference.r");

        var diagnostics = await (await portal.GetAsync($"/fhir/r4/DocumentReference?patient={patient.Id}")).ShouldBeOutcome(HttpStatusCode.Forbidden);

        diagnostics.Should().Contain("searching DocumentReference");
    }

    private static IEnumerable<string?> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString());
}
