using Hl7.Fhir.Model;
using MediVault.Application.Fhir;
using MediVault.Application.Fhir.Ips;

namespace MediVault.UnitTests.Application.Fhir;

/// <summary>The International Patient Summary rules: a document Bundle, Composition first, the three required sections, each with entries or an emptyReason.</summary>
public sealed class IpsBuilderTests
{
    private static readonly string[] RequiredSections = [IpsBuilder.MedicationsCode, IpsBuilder.AllergiesCode, IpsBuilder.ProblemsCode];

    private static Bundle Build(MediVault.Application.Emergency.EmergencyProfileDto? profile, Guid? documentId = null) =>
        IpsBuilder.Build(new IpsRequest(FhirSamples.Patient(profile), documentId ?? Guid.NewGuid(), FhirSamples.At));

    private static Composition.SectionComponent Section(Bundle bundle, string code) =>
        ((Composition)bundle.Entry[0].Resource!).Section.Single(s => s.Code!.Coding[0].Code == code);

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
        }
    }

    [Fact]
    public void Build_NoProfile_GivesEachRequiredSectionAnUnavailableEmptyReason()
    {
        var bundle = Build(null);

        foreach (var code in RequiredSections)
            Section(bundle, code).EmptyReason!.Coding[0].Code.Should().Be("unavailable");
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
