using System.Net;
using MediVault.IntegrationTests.Infrastructure;
using UglyToad.PdfPig;

namespace MediVault.IntegrationTests;

/// <summary>GET /api/emergency-profile/{userId}/summary.pdf: the IPS content as a printable PDF, read back with PdfPig.</summary>
public sealed class SummaryPdfTests(MediVaultFactory factory) : IClassFixture<MediVaultFactory>
{
    private readonly Api api = new(factory);

    private static string PdfPath(Guid patientId) => $"/api/emergency-profile/{patientId}/summary.pdf";

    /// <summary>The text of every page, word by word, as an independent PDF reader extracts it.</summary>
    private static (int Pages, string Text) Extract(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        var text = string.Join('\n', document.GetPages().Select(page => string.Join(' ', page.GetWords().Select(w => w.Text))));
        return (document.NumberOfPages, text);
    }

    [Fact]
    public async Task Pdf_Patient_Returns200OnePageWithAllergiesAndMedications()
    {
        var patient = await api.RegisterPatient("Sakshi Verma");
        await patient.SaveProfile();

        var response = await patient.Client.GetAsync(PdfPath(patient.Id));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/pdf");
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        response.Content.Headers.ContentDisposition!.FileName.Should().StartWith("medivault-summary-").And.NotContain("Sakshi");
        var (pages, text) = Extract(await response.Content.ReadAsByteArrayAsync());
        pages.Should().Be(1, "a typical profile fits one A4 page");
        text.Should().Contain("Sakshi Verma").And.Contain("Born 1990-04-02").And.Contain("O+");
        text.Should().Contain("Penicillin").And.Contain("Anaphylaxis").And.Contain("Dust");
        text.Should().Contain("Salbutamol").And.Contain("100 mcg, as needed");
        text.Should().Contain("Asthma").And.Contain("Ravi Verma");
    }

    [Fact]
    public async Task Pdf_SevereAllergy_IsMarkedInWordsNotByColourAlone()
    {
        var patient = await api.RegisterPatient();
        await patient.SaveProfile();

        var (_, text) = Extract(await (await patient.Client.GetAsync(PdfPath(patient.Id))).Content.ReadAsByteArrayAsync());

        text.Should().Contain("Penicillin — SEVERE").And.NotContain("Dust — SEVERE");
    }

    [Fact]
    public async Task Pdf_DoctorWithGrant_Returns200AndTheReadIsLogged()
    {
        var patient = await api.RegisterPatient();
        await patient.SaveProfile();
        var doctor = await api.RegisterDoctor();
        await patient.GrantAccessTo(doctor);

        var response = await doctor.Client.GetAsync(PdfPath(patient.Id));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Extract(await response.Content.ReadAsByteArrayAsync()).Text.Should().Contain("Penicillin").And.Contain("Salbutamol");
        (await patient.AccessLog(patient.Id)).Items.Should().Contain(e => e.Action == "profile-viewed" && e.ActorRole == "doctor");
    }

    [Fact]
    public async Task Pdf_DoctorWithoutGrant_Returns404()
    {
        var patient = await api.RegisterPatient();
        await patient.SaveProfile();
        var doctor = await api.RegisterDoctor();

        var response = await doctor.Client.GetAsync(PdfPath(patient.Id));

        await response.ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Pdf_OtherPatientsSummary_Returns404()
    {
        var patient = await api.RegisterPatient();
        await patient.SaveProfile();
        var stranger = await api.RegisterPatient();

        var response = await stranger.Client.GetAsync(PdfPath(patient.Id));

        var problem = await response.ShouldBeProblem(HttpStatusCode.NotFound);
        problem.Detail.Should().NotContain("Penicillin");
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
    }

    [Fact]
    public async Task Pdf_Anonymous_Returns401()
    {
        var patient = await api.RegisterPatient();
        using var anonymous = api.Anonymous();

        var response = await anonymous.GetAsync(PdfPath(patient.Id));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    public async Task Pdf_UnknownOrMalformedPatientId_Returns404(string id)
    {
        var patient = await api.RegisterPatient();

        var response = await patient.Client.GetAsync($"/api/emergency-profile/{id}/summary.pdf");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Pdf_NoProfileYet_SaysTheSectionsAreUnavailable()
    {
        var patient = await api.RegisterPatient("Asha Rao");

        var response = await patient.Client.GetAsync(PdfPath(patient.Id));

        var (pages, text) = Extract(await response.Content.ReadAsByteArrayAsync());
        pages.Should().Be(1);
        text.Should().Contain("Asha Rao").And.Contain("not filled in an emergency profile");
    }

    [Fact]
    public async Task Pdf_LongProfile_FlowsOntoMorePagesAndKeepsEveryAllergy()
    {
        var patient = await api.RegisterPatient();
        var allergies = Enumerable.Range(1, 50).Select(i => new { substance = $"Substance{i:00}", reaction = new string('r', 300), severity = "mild" });
        var medications = Enumerable.Range(1, 50).Select(i => new { name = $"Medicine{i:00}", dosage = "1 tablet", frequency = "daily" });
        await patient.SaveProfile(new { allergies, medications });

        var (pages, text) = Extract(await (await patient.Client.GetAsync(PdfPath(patient.Id))).Content.ReadAsByteArrayAsync());

        pages.Should().BeGreaterThan(1);
        text.Should().Contain("Substance01").And.Contain("Substance50").And.Contain("Medicine50");
    }

    [Fact]
    public async Task Pdf_MarkupInTheProfile_IsPrintedAsText()
    {
        var patient = await api.RegisterPatient();
        await patient.SaveProfile(new { allergies = new[] { new { substance = "<b>Latex</b>", severity = "moderate" } } });

        var (_, text) = Extract(await (await patient.Client.GetAsync(PdfPath(patient.Id))).Content.ReadAsByteArrayAsync());

        text.Should().Contain("<b>Latex</b>");
    }
}
