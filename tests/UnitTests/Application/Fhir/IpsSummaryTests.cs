using Hl7.Fhir.Model;
using MediVault.Application.Fhir;
using MediVault.Application.Fhir.Ips;

namespace MediVault.UnitTests.Application.Fhir;

/// <summary>
/// Reading an IPS document back into the summary the PDF prints: every field of the documents <see cref="IpsBuilder"/>
/// makes (full, empty and no profile), and documents changed by hand for the cases the builder never produces.
/// </summary>
public sealed class IpsSummaryTests
{
    private static readonly DateTimeOffset DocumentDate = new(FhirSamples.At, TimeSpan.Zero);

    private static Bundle FullDocument() => FhirSamples.IpsDocument(FhirSamples.FullProfile());

    private static IEnumerable<T> Resources<T>(Bundle document) => document.Entry.Select(e => e.Resource).OfType<T>();

    private static Composition.SectionComponent Section(Bundle document, string code) =>
        Resources<Composition>(document).Single().Section.Single(s => s.Code!.Coding[0].Code == code);

    private static Patient.ContactComponent Contact(Bundle document) => Resources<Patient>(document).Single().Contact.Single();

    [Fact]
    public void Read_FullProfile_ReadsThePatientBloodTypeAndDocumentDate()
    {
        var summary = IpsSummary.Read(FullDocument());

        summary.PatientName.Should().Be("Asha Verma");
        summary.BirthDate.Should().Be("1990-04-02");
        summary.BloodType.Should().Be("O+");
        summary.HasProfile.Should().BeTrue();
        summary.DocumentDate.Should().Be(DocumentDate);
    }

    [Fact]
    public void Read_FullProfile_ReadsEachAllergyWithItsReactionAndWhetherItIsHighCriticality()
    {
        var summary = IpsSummary.Read(FullDocument());

        summary.Allergies.Should().Equal(new IpsAllergyLine("Penicillin", "Anaphylaxis", true), new IpsAllergyLine("Dust", null, false));
    }

    [Fact]
    public void Read_FullProfile_ReadsEachMedicationWithItsDosageText()
    {
        var summary = IpsSummary.Read(FullDocument());

        summary.Medications.Should().Equal(new IpsLine("Salbutamol", "100 mcg, as needed"), new IpsLine("Amlodipine", null));
    }

    [Fact]
    public void Read_FullProfile_ReadsEachProblemWithItsNote()
    {
        var summary = IpsSummary.Read(FullDocument());

        summary.Problems.Should().Equal(new IpsLine("Asthma", "Since childhood"), new IpsLine("Hypertension", null));
    }

    [Fact]
    public void Read_FullProfile_ReadsEachEmergencyContactAsNameAndRelationshipCommaPhone()
    {
        var summary = IpsSummary.Read(FullDocument());

        summary.EmergencyContacts.Should().Equal(new IpsLine("Ravi Verma", "brother, +91 98765 43210"));
    }

    [Fact]
    public void Read_EmptyProfile_HasAProfileThatListsNothing()
    {
        var summary = IpsSummary.Read(FhirSamples.IpsDocument(FhirSamples.EmptyProfile()));

        summary.HasProfile.Should().BeTrue();
        summary.PatientName.Should().Be("Asha Verma");
        summary.BirthDate.Should().BeNull();
        summary.BloodType.Should().BeNull();
        summary.Allergies.Should().BeEmpty();
        summary.Medications.Should().BeEmpty();
        summary.Problems.Should().BeEmpty();
        summary.EmergencyContacts.Should().BeEmpty();
        summary.DocumentDate.Should().Be(DocumentDate);
    }

    [Fact]
    public void Read_NoProfile_HasNoProfile()
    {
        var summary = IpsSummary.Read(FhirSamples.IpsDocument(null));

        summary.HasProfile.Should().BeFalse();
        summary.PatientName.Should().Be("Asha Verma");
        summary.BloodType.Should().BeNull();
        summary.Allergies.Should().BeEmpty();
        summary.EmergencyContacts.Should().BeEmpty();
        summary.DocumentDate.Should().Be(DocumentDate);
    }

    [Fact]
    public void Read_Null_ThrowsArgumentNullException()
    {
        var read = () => IpsSummary.Read(null!);

        read.Should().Throw<ArgumentNullException>().WithParameterName("document");
    }

    [Fact]
    public void Read_DocumentWithoutComposition_ThrowsInvalidOperationException()
    {
        var document = FullDocument();
        document.Entry.RemoveAll(e => e.Resource is Composition);

        var read = () => IpsSummary.Read(document);

        read.Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void Read_DocumentWithTwoCompositions_ThrowsInvalidOperationException()
    {
        var document = FullDocument();
        document.Entry.Add(new Bundle.EntryComponent { Resource = new Composition { Status = CompositionStatus.Final } });

        var read = () => IpsSummary.Read(document);

        read.Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void Read_DocumentWithoutPatient_ThrowsInvalidOperationException()
    {
        var document = FullDocument();
        document.Entry.RemoveAll(e => e.Resource is Patient);

        var read = () => IpsSummary.Read(document);

        read.Should().Throw<InvalidOperationException>();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Read_ManifestationWithoutText_TakesTheNextManifestationsText(string? text)
    {
        var document = FullDocument();
        Resources<AllergyIntolerance>(document).First().Reaction[0].Manifestation.Insert(0, new CodeableConcept(FhirSystems.Snomed, "39579001") { Text = text });

        var summary = IpsSummary.Read(document);

        summary.Allergies[0].Reaction.Should().Be("Anaphylaxis");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Read_DosageWithoutText_TakesTheNextDosagesText(string? text)
    {
        var document = FullDocument();
        Resources<MedicationStatement>(document).First().Dosage.Insert(0, new Dosage { Text = text });

        var summary = IpsSummary.Read(document);

        summary.Medications[0].Detail.Should().Be("100 mcg, as needed");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Read_NoteWithoutText_TakesTheNextNotesText(string? text)
    {
        var document = FullDocument();
        var note = text is null ? new Annotation() : new Annotation { TextElement = new Markdown(text) };
        Resources<Condition>(document).First().Note.Insert(0, note);

        var summary = IpsSummary.Read(document);

        summary.Problems[0].Detail.Should().Be("Since childhood");
    }

    [Fact]
    public void Read_PatientWithoutName_ReadsAnEmptyName()
    {
        var document = FullDocument();
        Resources<Patient>(document).Single().Name.Clear();

        var summary = IpsSummary.Read(document);

        summary.PatientName.Should().BeEmpty();
    }

    [Fact]
    public void Read_EntriesWithoutName_ReadAsEmptyNames()
    {
        var document = FullDocument();
        Resources<AllergyIntolerance>(document).First().Code = null;
        Resources<MedicationStatement>(document).First().Medication = new ResourceReference("#salbutamol");
        Resources<Condition>(document).First().Code = null;
        Contact(document).Name = null;

        var summary = IpsSummary.Read(document);

        summary.Allergies[0].Substance.Should().BeEmpty();
        summary.Medications[0].Name.Should().BeEmpty();
        summary.Problems[0].Name.Should().BeEmpty();
        summary.EmergencyContacts[0].Name.Should().BeEmpty();
    }

    [Fact]
    public void Read_ContactWithOnlyTheEmergencyContactRole_DetailIsThePhone()
    {
        var document = FullDocument();
        Contact(document).Relationship.RemoveAt(1);

        var summary = IpsSummary.Read(document);

        summary.EmergencyContacts.Should().Equal(new IpsLine("Ravi Verma", "+91 98765 43210"));
    }

    [Fact]
    public void Read_ContactWhoseWrittenRelationshipComesBeforeTheCodedRole_DetailIsStillTheWrittenOne()
    {
        var document = FullDocument();
        Contact(document).Relationship.Reverse();

        var summary = IpsSummary.Read(document);

        Contact(document).Relationship[0].Text.Should().Be("brother", "the written relationship is now first");
        summary.EmergencyContacts.Should().Equal(new IpsLine("Ravi Verma", "brother, +91 98765 43210"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Read_ContactRelationshipWithoutText_DetailIsThePhone(string? text)
    {
        var document = FullDocument();
        Contact(document).Relationship[1].Text = text;

        var summary = IpsSummary.Read(document);

        summary.EmergencyContacts.Should().Equal(new IpsLine("Ravi Verma", "+91 98765 43210"));
    }

    [Fact]
    public void Read_ContactWithoutPhone_DetailIsTheRelationship()
    {
        var document = FullDocument();
        Contact(document).Telecom.Clear();

        var summary = IpsSummary.Read(document);

        summary.EmergencyContacts.Should().Equal(new IpsLine("Ravi Verma", "brother"));
    }

    [Fact]
    public void Read_BloodTypeCodedInTwoSystems_IsRead()
    {
        var document = FullDocument();
        Resources<Observation>(document).Single().Code!.Coding.Add(new Coding("urn:oid:1.2.3.4", "ABO-RH"));

        var summary = IpsSummary.Read(document);

        summary.BloodType.Should().Be("O+");
    }

    [Fact]
    public void Read_ObservationWithAnotherCode_IsNotTheBloodType()
    {
        var document = FullDocument();
        var rhType = new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept(FhirSystems.Loinc, "10331-7", "Rh [Type] in Blood"),
            Value = new CodeableConcept { Text = "Positive" },
        };
        document.Entry.Insert(1, new Bundle.EntryComponent { Resource = rhType });

        var summary = IpsSummary.Read(document);

        summary.BloodType.Should().Be("O+");
    }

    [Fact]
    public void Read_OneSectionUnavailable_HasNoProfile()
    {
        var document = FullDocument();
        var problems = Section(document, IpsBuilder.ProblemsCode);
        problems.Entry.Clear();
        problems.EmptyReason = new CodeableConcept(FhirSystems.ListEmptyReason, "unavailable", "Unavailable");

        var summary = IpsSummary.Read(document);

        summary.HasProfile.Should().BeFalse();
    }

    [Fact]
    public void Read_UnavailableAmongOtherEmptyReasonCodings_HasNoProfile()
    {
        var document = FhirSamples.IpsDocument(null);
        foreach (var section in Resources<Composition>(document).Single().Section)
            section.EmptyReason!.Coding.Insert(0, new Coding("urn:oid:1.2.3.4", "NOT-SHARED"));

        var summary = IpsSummary.Read(document);

        summary.HasProfile.Should().BeFalse();
    }
}
