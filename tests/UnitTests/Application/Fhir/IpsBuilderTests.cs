using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using MediVault.Application.Fhir;
using MediVault.Application.Fhir.Ips;

namespace MediVault.UnitTests.Application.Fhir;

/// <summary>The International Patient Summary rules: a document Bundle, Composition first, the three required sections, each with entries or an emptyReason.</summary>
public sealed class IpsBuilderTests
{
    private static readonly string[] RequiredSections = [IpsBuilder.MedicationsCode, IpsBuilder.AllergiesCode, IpsBuilder.ProblemsCode];
    private static readonly Guid DocumentId = Guid.Parse("0190c0de-0000-7000-8000-0000000000d1");

    private static Bundle Build(MediVault.Application.Emergency.EmergencyProfileDto? profile, Guid? documentId = null) =>
        IpsBuilder.Build(new IpsRequest(FhirSamples.Patient(profile), documentId ?? Guid.NewGuid(), FhirSamples.At));

    private static Composition.SectionComponent Section(Bundle bundle, string code) =>
        ((Composition)bundle.Entry[0].Resource!).Section.Single(s => s.Code!.Coding[0].Code == code);

    private static string Div(string text) => $"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>{text}</p></div>";

    [Fact]
    public void Build_NullRequest_IsRefusedAsAnArgument()
    {
        FluentActions.Invoking(() => IpsBuilder.Build(null!)).Should().Throw<ArgumentNullException>().WithParameterName("request");
    }

    [Fact]
    public void Build_IsADocumentBundleWithIdentifierAndTimestamp()
    {
        var documentId = Guid.NewGuid();

        var bundle = Build(FhirSamples.FullProfile(), documentId);

        bundle.Type.Should().Be(Bundle.BundleType.Document);
        bundle.Identifier!.System.Should().Be("urn:ietf:rfc:3986");
        bundle.Identifier!.Value.Should().Be($"urn:uuid:{documentId}");
        bundle.Timestamp.Should().Be(new DateTimeOffset(FhirSamples.At, TimeSpan.Zero));
    }

    [Fact]
    public void Build_CompositionAndBundle_AreIdentifiedByTheDocumentId()
    {
        var bundle = Build(FhirSamples.FullProfile(), DocumentId);

        var composition = (Composition)bundle.Entry[0].Resource!;
        bundle.Id.Should().Be("0190c0de-0000-7000-8000-0000000000d1");
        bundle.Entry[0].FullUrl.Should().Be("urn:uuid:0190c0de-0000-7000-8000-0000000000d1");
        composition.Id.Should().Be("0190c0de-0000-7000-8000-0000000000d1");
        composition.Identifier.Should().BeEquivalentTo(new { System = "urn:ietf:rfc:3986", Value = "urn:uuid:0190c0de-0000-7000-8000-0000000000d1" });
        composition.Title.Should().Be("International Patient Summary");
        composition.Type!.Coding.Should().ContainSingle(c => c.System == FhirSystems.Loinc && c.Code == "60591-5");
        composition.Type.Text.Should().Be("Patient summary Document");
        composition.Date.Should().Be("2026-11-30T09:15:00+00:00");
    }

    [Fact]
    public void Build_ProfileItems_AreRecordedAtTheProfilesLastUpdate_NotAtTheDocumentsTime()
    {
        var updatedAt = new DateTime(2026, 5, 4, 8, 0, 0, DateTimeKind.Utc);
        var profile = FhirSamples.FullProfile() with { UpdatedAt = updatedAt };

        var bundle = IpsBuilder.Build(new IpsRequest(FhirSamples.Patient(profile), DocumentId, FhirSamples.At));

        var recorded = bundle.Entry.Select(e => e.Resource switch
        {
            AllergyIntolerance a => a.RecordedDate,
            Condition c => c.RecordedDate,
            MedicationStatement m => m.DateAsserted,
            Observation o => ((FhirDateTime)o.Effective!).Value,
            _ => null,
        }).OfType<string>();
        recorded.Should().HaveCount(7).And.AllBe("2026-05-04T08:00:00+00:00");
        bundle.Timestamp.Should().Be(new DateTimeOffset(FhirSamples.At, TimeSpan.Zero));
    }

    [Fact]
    public void Build_FullProfile_HasTheFourSectionsInOrder_WithTheirTitlesAndLoincCodes()
    {
        var bundle = Build(FhirSamples.FullProfile());

        ((Composition)bundle.Entry[0].Resource!).Section.Select(s => (s.Title, s.Code!.Coding.Single().System, s.Code.Coding[0].Code, s.Code.Text))
            .Should().Equal(
                ("Medication Summary", FhirSystems.Loinc, "10160-0", "History of Medication use Narrative"),
                ("Allergies and Intolerances", FhirSystems.Loinc, "48765-2", "Allergies and adverse reactions Document"),
                ("Problem List", FhirSystems.Loinc, "11450-4", "Problem list - Reported"),
                ("Results", FhirSystems.Loinc, "30954-2", "Relevant diagnostic tests/laboratory data Narrative"));
    }

    [Theory]
    [InlineData("unknown")]
    [InlineData(null)]
    public void Build_NoBloodTypeToReport_HasOnlyTheThreeRequiredSections(string? bloodType)
    {
        var bundle = Build(bloodType is null ? null : FhirSamples.FullProfile() with { BloodType = bloodType });

        ((Composition)bundle.Entry[0].Resource!).Section.Select(s => s.Code!.Coding[0].Code).Should().Equal(RequiredSections);
    }

    [Fact]
    public void Build_Narrative_CountsTheEntries_NoneOneOrMany()
    {
        var profile = FhirSamples.FullProfile() with
        {
            Medications = [.. FhirSamples.FullProfile().Medications, new MediVault.Application.Emergency.MedicationDto("Cetirizine", null, null)],
            Conditions = [],
        };

        var bundle = Build(profile);

        ((Composition)bundle.Entry[0].Resource!).Section.Select(s => s.Text!.Div).Should().Equal(
            Div("Medication Summary: 3 entries."),
            Div("Allergies and Intolerances: 2 entries."),
            Div("Problem List: no entries."),
            Div("Results: 1 entry."));
        ((Composition)bundle.Entry[0].Resource!).Section.Should().OnlyContain(s => s.Text!.Status == Narrative.NarrativeStatus.Generated);
    }

    [Fact]
    public void Build_EveryEntryFullUrl_IsAVersion8UuidWithTheRfc9562Variant()
    {
        var bundle = Build(FhirSamples.FullProfile(), DocumentId);

        var fullUrls = bundle.Entry.Skip(1).Select(e => e.FullUrl).ToList();
        fullUrls.Should().HaveCount(8).And.OnlyContain(url =>
            Regex.IsMatch(url, "^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Build_PutsTheSummaryCompositionFirst(bool withProfile)
    {
        var bundle = Build(withProfile ? FhirSamples.FullProfile() : null);

        var composition = bundle.Entry[0].Resource.Should().BeOfType<Composition>().Subject;
        composition.Type!.Coding.Should().ContainSingle(c => c.System == FhirSystems.Loinc && c.Code == "60591-5");
        composition.Status.Should().Be(CompositionStatus.Final);
        bundle.Entry.Skip(1).Should().NotContain(e => e.Resource is Composition);
    }

    [Fact]
    public void Build_FullProfile_FillsTheThreeSectionsWithTheirEntries()
    {
        var bundle = Build(FhirSamples.FullProfile());

        Section(bundle, IpsBuilder.MedicationsCode).Entry.Should().HaveCount(2);
        Section(bundle, IpsBuilder.AllergiesCode).Entry.Should().HaveCount(2);
        Section(bundle, IpsBuilder.ProblemsCode).Entry.Should().HaveCount(2);
        foreach (var code in RequiredSections)
            Section(bundle, code).EmptyReason.Should().BeNull();
    }

    [Fact]
    public void Build_EverySectionEntryResolvesInsideTheBundle()
    {
        var bundle = Build(FhirSamples.FullProfile());
        var composition = (Composition)bundle.Entry[0].Resource!;
        var fullUrls = bundle.Entry.Select(e => e.FullUrl).ToHashSet();

        composition.Section.SelectMany(s => s.Entry).Select(r => r.Reference).Should().OnlyContain(r => fullUrls.Contains(r));
        fullUrls.Should().HaveCount(bundle.Entry.Count);
        composition.Subject!.Reference.Should().Be(bundle.Entry.Single(e => e.Resource is Patient).FullUrl);
    }

    [Fact]
    public void Build_EmptyLists_GiveEachRequiredSectionANilKnownEmptyReason()
    {
        var bundle = Build(FhirSamples.EmptyProfile());

        foreach (var code in RequiredSections)
        {
            var section = Section(bundle, code);
            section.Entry.Should().BeEmpty();
            section.EmptyReason!.Coding.Should().ContainSingle(c => c.System == FhirSystems.ListEmptyReason && c.Code == "nilknown");
            section.EmptyReason.Text.Should().Be("Nil Known");
        }
    }

    [Fact]
    public void Build_NoProfile_GivesEachRequiredSectionAnUnavailableEmptyReason()
    {
        var bundle = Build(null);

        foreach (var code in RequiredSections)
        {
            var emptyReason = Section(bundle, code).EmptyReason!;
            emptyReason.Coding.Should().ContainSingle(c => c.System == FhirSystems.ListEmptyReason && c.Code == "unavailable");
            emptyReason.Text.Should().Be("Unavailable");
        }
        bundle.Entry.Select(e => e.Resource!.TypeName).Should().Equal("Composition", "Patient");
    }

    [Fact]
    public void Build_MapsContactsOrganDonorAndBloodType()
    {
        var bundle = Build(FhirSamples.FullProfile());

        var patient = bundle.Entry.Select(e => e.Resource!).OfType<Patient>().Single();
        patient.Contact.Should().ContainSingle().Which.Name!.Text.Should().Be("Ravi Verma");
        patient.Contact[0].Relationship.SelectMany(r => r.Coding).Should().Contain(c => c.Code == "C");
        patient.GetExtension(FhirSystems.OrganDonorExtension)!.Value.Should().BeEquivalentTo(new FhirBoolean(true));
        var bloodType = bundle.Entry.Select(e => e.Resource!).OfType<Observation>().Single();
        bloodType.Code!.Coding[0].Code.Should().Be("882-1");
        ((CodeableConcept)bloodType.Value!).Coding[0].Code.Should().Be("278147001"); // O Rh(D) positive
        Section(bundle, IpsBuilder.ResultsCode).Entry.Should().ContainSingle();
    }

    [Fact]
    public void Build_NeverPutsPatientTextIntoTheNarrative()
    {
        var profile = FhirSamples.FullProfile() with
        {
            Allergies = [new MediVault.Application.Emergency.AllergyDto("<script>alert(1)</script>", null, MediVault.Domain.Emergency.AllergySeverity.Mild)],
        };

        var bundle = Build(profile);

        ((Composition)bundle.Entry[0].Resource!).Section.Select(s => s.Text!.Div).Should().NotContain(div => div.Contains("script"));
    }
}
