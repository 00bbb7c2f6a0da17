using Hl7.Fhir.Model;
using MediVault.Application.Emergency;
using MediVault.Application.Fhir;
using MediVault.Domain.Audit;
using MediVault.Domain.Emergency;

namespace MediVault.UnitTests.Application.Fhir;

/// <summary>
/// The values a FHIR client reads from each mapping (docs/fhir.md "Resources"): codes and their systems, statuses,
/// references and texts. <see cref="FhirValidityTests"/> checks only that the shapes are valid R4.
/// </summary>
public sealed class FhirResourcesTests
{
    private const string PatientReference = "Patient/0190c0de-0000-7000-8000-000000000001";
    private const string RecordedAt = "2026-11-30T09:15:00+00:00";

    private static readonly EmergencyProfileDto Profile = FhirSamples.FullProfile();

    /// <summary>One coding (system and code), and the concept's text.</summary>
    private static void ShouldBeCoded(CodeableConcept? concept, string system, string code, string text)
    {
        concept!.Coding.Should().ContainSingle().Which.Should().BeEquivalentTo(new { System = system, Code = code });
        concept.Text.Should().Be(text);
    }

    [Fact]
    public void Patient_IsActive_AndIdentifiedByTheAccountId()
    {
        var patient = FhirResources.Patient(FhirSamples.Patient(null));

        patient.Active.Should().BeTrue();
        patient.Id.Should().Be("0190c0de-0000-7000-8000-000000000001");
        patient.Identifier.Should().ContainSingle().Which.Should().BeEquivalentTo(
            new { System = FhirSystems.PatientIdentifier, Value = "0190c0de-0000-7000-8000-000000000001" });
    }

    [Fact]
    public void Patient_EmergencyContact_IsAV2EmergencyContactRole_PlusThePatientsOwnWord()
    {
        var patient = FhirResources.Patient(FhirSamples.Patient(Profile));

        var contact = patient.Contact.Should().ContainSingle().Subject;
        contact.Relationship.Should().HaveCount(2);
        ShouldBeCoded(contact.Relationship[0], "http://terminology.hl7.org/CodeSystem/v2-0131", "C", "Emergency Contact");
        contact.Relationship[1].Text.Should().Be("brother");
        contact.Name!.Text.Should().Be("Ravi Verma");
        contact.Telecom.Should().ContainSingle().Which.Should().BeEquivalentTo(
            new { System = ContactPoint.ContactPointSystem.Phone, Value = "+91 98765 43210" });
    }

    [Fact]
    public void Allergy_IsActive_AndUnconfirmed_ForThePatient()
    {
        var allergy = FhirResources.Allergy(FhirSamples.PatientId, 0, Profile.Allergies[0], FhirSamples.At);

        allergy.Id.Should().Be("allergy-0190c0de000070008000000000000001-0");
        ShouldBeCoded(allergy.ClinicalStatus, "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active", "Active");
        ShouldBeCoded(allergy.VerificationStatus,
            "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "unconfirmed", "Unconfirmed");
        allergy.Code!.Text.Should().Be("Penicillin");
        allergy.Patient!.Reference.Should().Be(PatientReference);
        allergy.RecordedDate.Should().Be(RecordedAt);
    }

    [Theory]
    [InlineData(AllergySeverity.Severe, AllergyIntolerance.AllergyIntoleranceCriticality.High)]
    [InlineData(AllergySeverity.Moderate, AllergyIntolerance.AllergyIntoleranceCriticality.Low)]
    [InlineData(AllergySeverity.Mild, AllergyIntolerance.AllergyIntoleranceCriticality.Low)]
    public void Allergy_Criticality_IsHighOnlyWhenSevere(AllergySeverity severity, AllergyIntolerance.AllergyIntoleranceCriticality criticality)
    {
        var allergy = FhirResources.Allergy(FhirSamples.PatientId, 0, Profile.Allergies[0] with { Severity = severity }, FhirSamples.At);

        allergy.Criticality.Should().Be(criticality);
    }

    [Fact]
    public void Allergy_WithReaction_ManifestsTheReactionText_AtItsSeverity()
    {
        var allergy = FhirResources.Allergy(FhirSamples.PatientId, 0, Profile.Allergies[0], FhirSamples.At);

        var reaction = allergy.Reaction.Should().ContainSingle().Subject;
        reaction.Manifestation.Should().ContainSingle().Which.Text.Should().Be("Anaphylaxis");
        reaction.Severity.Should().Be(AllergyIntolerance.AllergyIntoleranceSeverity.Severe);
    }

    [Fact]
    public void Allergy_WithoutReaction_HasNoReactionElement()
    {
        var allergy = FhirResources.Allergy(FhirSamples.PatientId, 1, Profile.Allergies[1], FhirSamples.At);

        allergy.Reaction.Should().BeEmpty();
    }

    [Fact]
    public void Condition_IsAnActiveProblemListItem_OfThePatient()
    {
        var condition = FhirResources.Condition(FhirSamples.PatientId, 1, Profile.Conditions[1], FhirSamples.At);

        condition.Id.Should().Be("condition-0190c0de000070008000000000000001-1");
        ShouldBeCoded(condition.ClinicalStatus, "http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active");
        condition.Category.Should().ContainSingle();
        ShouldBeCoded(condition.Category[0], "http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item", "Problem List Item");
        condition.Code!.Text.Should().Be("Hypertension");
        condition.Subject!.Reference.Should().Be(PatientReference);
        condition.RecordedDate.Should().Be(RecordedAt);
        condition.Note.Should().BeEmpty();
    }

    [Fact]
    public void Condition_WithNotes_CarriesThemAsItsNote()
    {
        var condition = FhirResources.Condition(FhirSamples.PatientId, 0, Profile.Conditions[0], FhirSamples.At);

        condition.Note.Should().ContainSingle().Which.Text.Should().Be("Since childhood");
    }

    [Fact]
    public void Medication_IsAnActiveStatementTheListAsserts_ForThePatient()
    {
        var medication = FhirResources.Medication(FhirSamples.PatientId, 0, Profile.Medications[0], FhirSamples.At);

        medication.Id.Should().Be("medication-0190c0de000070008000000000000001-0");
        medication.Status.Should().Be(MedicationStatement.MedicationStatusCodes.Active);
        medication.Medication.Should().BeOfType<CodeableConcept>().Which.Text.Should().Be("Salbutamol");
        medication.Subject!.Reference.Should().Be(PatientReference);
        medication.InformationSource!.Reference.Should().Be(PatientReference);
        medication.DateAsserted.Should().Be(RecordedAt);
    }

    [Theory]
    [InlineData("100 mcg", "as needed", "100 mcg, as needed")]
    [InlineData("100 mcg", null, "100 mcg")]
    [InlineData(null, "twice daily", "twice daily")]
    [InlineData("", "twice daily", "twice daily")]
    [InlineData("  ", "twice daily", "twice daily")]
    [InlineData(null, null, null)]
    [InlineData(" ", "", null)]
    public void Medication_DosageText_JoinsTheDosageAndFrequencyThatArePresent(string? dosage, string? frequency, string? text)
    {
        var medication = FhirResources.Medication(
            FhirSamples.PatientId, 0, Profile.Medications[0] with { Dosage = dosage, Frequency = frequency }, FhirSamples.At);

        string[] expected = text is null ? [] : [text];
        medication.Dosage.Select(d => d.Text).Should().Equal(expected);
    }

    [Theory]
    [InlineData("O+", "278147001", "Blood group O Rh(D) positive")]
    [InlineData("AB-", "278154007", "Blood group AB Rh(D) negative")]
    public void BloodType_Known_IsAFinalLaboratoryLoincObservation_ValuedInSnomed(string bloodType, string code, string display)
    {
        var observation = FhirResources.BloodType(FhirSamples.PatientId, bloodType, FhirSamples.At)!;

        observation.Id.Should().Be("blood-type-0190c0de000070008000000000000001");
        observation.Status.Should().Be(ObservationStatus.Final);
        observation.Category.Should().ContainSingle();
        ShouldBeCoded(observation.Category[0], "http://terminology.hl7.org/CodeSystem/observation-category", "laboratory", "Laboratory");
        ShouldBeCoded(observation.Code, "http://loinc.org", "882-1", "ABO and Rh group [Type] in Blood");
        observation.Subject!.Reference.Should().Be(PatientReference);
        observation.Effective.Should().BeOfType<FhirDateTime>().Which.Value.Should().Be(RecordedAt);
        var value = observation.Value.Should().BeOfType<CodeableConcept>().Subject;
        value.Coding.Should().ContainSingle().Which.Should().BeEquivalentTo(new { System = "http://snomed.info/sct", Code = code, Display = display });
        value.Text.Should().Be(bloodType);
    }

    [Fact]
    public void BloodType_Unknown_IsNoObservation()
    {
        FhirResources.BloodType(FhirSamples.PatientId, "unknown", FhirSamples.At).Should().BeNull();
    }

    [Fact]
    public void Document_IsTheCurrentFileOfThePatient_CategorisedAndDated()
    {
        var document = FhirResources.Document(FhirSamples.Document());

        document.Id.Should().Be("0190c0de-0000-7000-8000-0000000000f1");
        document.Status.Should().Be(DocumentReferenceStatus.Current);
        document.Subject!.Reference.Should().Be(PatientReference);
        document.Date.Should().Be(new DateTimeOffset(FhirSamples.At, TimeSpan.Zero));
        document.Description.Should().Be("Blood count");
        document.Category.Should().ContainSingle().Which.Coding.Select(c => (c.System, c.Code)).Should().Equal(
            (FhirSystems.FileCategory, "lab-report"), ("http://loinc.org", "11502-2"));
        document.Context.Should().BeNull("the file has no record date");
    }

    [Fact]
    public void Document_Attachment_IsTheBinary_WithItsTypeSizeHashesTitleAndCreation()
    {
        var attachment = FhirResources.Document(FhirSamples.Document()).Content.Should().ContainSingle().Subject.Attachment!;

        attachment.ContentType.Should().Be("application/pdf");
        attachment.Url.Should().Be("Binary/0190c0de-0000-7000-8000-0000000000f1");
        attachment.SizeUnsignedInt.Should().Be(4096);
        attachment.Hash.Should().Equal(Enumerable.Repeat((byte)0xbb, 20));
        attachment.Title.Should().Be("lab.pdf");
        attachment.Creation.Should().Be(RecordedAt);
        var sha256 = attachment.Extension.Should().ContainSingle().Subject;
        sha256.Url.Should().Be("https://medivault.app/fhir/StructureDefinition/attachment-sha256");
        sha256.Value.Should().BeOfType<FhirString>().Which.Value.Should().Be(new string('a', 64));
    }

    [Fact]
    public void Document_WithRecordDate_ItsContextPeriodStartsThatDay()
    {
        var document = FhirResources.Document(FhirSamples.Document(recordDate: new DateOnly(2026, 3, 7)));

        document.Context!.Period!.Start.Should().Be("2026-03-07");
    }

    [Fact]
    public void Audit_IsAPatientRecordEvent_OfTheLoggedAction_ObservedByMediVault()
    {
        var audit = FhirResources.Audit(FhirSamples.PatientId, FhirSamples.LogEntry(Guid.NewGuid(), ActorRole.Doctor));

        audit.Id.Should().Be("0190c0de-0000-7000-8000-0000000000e1");
        audit.Type.Should().BeEquivalentTo(new { System = "http://dicom.nema.org/resources/ontology/DCM", Code = "110110", Display = "Patient Record" });
        audit.Subtype.Should().ContainSingle().Which.Should().BeEquivalentTo(
            new { System = "https://medivault.app/fhir/CodeSystem/access-action", Code = "file-downloaded" });
        audit.Recorded.Should().Be(new DateTimeOffset(FhirSamples.At, TimeSpan.Zero));
        audit.Source!.Observer!.Display.Should().Be("MediVault");
    }

    [Fact]
    public void Audit_ActionOnAFile_NamesThePatientThenTheFile()
    {
        var audit = FhirResources.Audit(FhirSamples.PatientId, FhirSamples.LogEntry(Guid.NewGuid(), ActorRole.Doctor));

        audit.Entity.Select(e => (e.What!.Reference, e.What.Display)).Should().Equal(
            (PatientReference, null), (null, "file 0190c0de-0000-7000-8000-0000000000f1"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Audit_ActionOnThePatientThemself_OrOnNothing_NamesOnlyThePatient(bool onThePatient)
    {
        var entry = FhirSamples.LogEntry(Guid.NewGuid(), ActorRole.Doctor) with
        {
            ResourceType = "emergency-profile",
            ResourceId = onThePatient ? FhirSamples.PatientId : null,
        };

        var audit = FhirResources.Audit(FhirSamples.PatientId, entry);

        audit.Entity.Should().ContainSingle().Which.What!.Reference.Should().Be(PatientReference);
    }

    [Theory]
    [InlineData(AccessOutcome.Success, AuditEvent.AuditEventOutcome.N0)]
    [InlineData(AccessOutcome.Denied, AuditEvent.AuditEventOutcome.N4)]
    public void Audit_Outcome_IsSuccessOrSeriousFailure(AccessOutcome outcome, AuditEvent.AuditEventOutcome expected)
    {
        var audit = FhirResources.Audit(FhirSamples.PatientId, FhirSamples.LogEntry(Guid.NewGuid(), ActorRole.Doctor, outcome));

        audit.Outcome.Should().Be(expected);
    }

    [Fact]
    public void Audit_ByThePatient_TheAgentIsThePatientReference()
    {
        var entry = FhirSamples.LogEntry(FhirSamples.PatientId, ActorRole.Patient) with { ActorName = "Asha Verma" };

        var agent = FhirResources.Audit(FhirSamples.PatientId, entry).Agent.Should().ContainSingle().Subject;

        agent.Who.Should().BeEquivalentTo(new { Reference = PatientReference, Display = "Asha Verma" });
        agent.Type!.Text.Should().Be("patient");
        agent.Requestor.Should().BeTrue();
        agent.Network.Should().BeEquivalentTo(new { Address = "10.0.0.7", Type = AuditEvent.AuditEventAgentNetworkType.N2 });
    }

    [Fact]
    public void Audit_BySomeoneElse_TheAgentIsDisplayedByName_WithoutAReference()
    {
        var agent = FhirResources.Audit(FhirSamples.PatientId, FhirSamples.LogEntry(Guid.NewGuid(), ActorRole.Doctor)).Agent.Single();

        agent.Who.Should().BeEquivalentTo(new { Reference = (string?)null, Display = "Dr. Lee" });
        agent.Type!.Text.Should().Be("doctor");
        agent.Requestor.Should().BeTrue();
    }

    [Fact]
    public void Audit_ByAnUnnamedResponderWithoutAddress_TheAgentIsDisplayedByRole_WithoutNetwork()
    {
        var entry = FhirSamples.LogEntry(null, ActorRole.Emergency) with { ActorName = "", IpAddress = null };

        var agent = FhirResources.Audit(FhirSamples.PatientId, entry).Agent.Single();

        agent.Who.Should().BeEquivalentTo(new { Reference = (string?)null, Display = "Emergency" });
        agent.Type!.Text.Should().Be("emergency");
        agent.Network.Should().BeNull();
    }

    [Theory]
    [InlineData(AccessAction.FileUploaded, AuditEvent.AuditEventAction.C, "file-uploaded")]
    [InlineData(AccessAction.QrGenerated, AuditEvent.AuditEventAction.C, "qr-generated")]
    [InlineData(AccessAction.AccessGranted, AuditEvent.AuditEventAction.C, "access-granted")]
    [InlineData(AccessAction.ShlCreated, AuditEvent.AuditEventAction.C, "shl-created")]
    [InlineData(AccessAction.ProfileUpdated, AuditEvent.AuditEventAction.U, "profile-updated")]
    [InlineData(AccessAction.QrRevoked, AuditEvent.AuditEventAction.U, "qr-revoked")]
    [InlineData(AccessAction.AccessRevoked, AuditEvent.AuditEventAction.U, "access-revoked")]
    [InlineData(AccessAction.ShlRevoked, AuditEvent.AuditEventAction.U, "shl-revoked")]
    [InlineData(AccessAction.FileDeleted, AuditEvent.AuditEventAction.D, "file-deleted")]
    [InlineData(AccessAction.Login, AuditEvent.AuditEventAction.E, "login")]
    [InlineData(AccessAction.FileDownloaded, AuditEvent.AuditEventAction.R, "file-downloaded")]
    [InlineData(AccessAction.ProfileViewed, AuditEvent.AuditEventAction.R, "profile-viewed")]
    [InlineData(AccessAction.QrAccessed, AuditEvent.AuditEventAction.R, "qr-accessed")]
    [InlineData(AccessAction.RecordsViewed, AuditEvent.AuditEventAction.R, "records-viewed")]
    [InlineData(AccessAction.ShlOpened, AuditEvent.AuditEventAction.R, "shl-opened")]
    public void Audit_Action_CreatesUpdatesDeletesExecutesOrReads(AccessAction action, AuditEvent.AuditEventAction expected, string subtype)
    {
        var entry = FhirSamples.LogEntry(Guid.NewGuid(), ActorRole.Doctor) with { Action = action };

        var audit = FhirResources.Audit(FhirSamples.PatientId, entry);

        audit.Action.Should().Be(expected);
        audit.Subtype.Single().Code.Should().Be(subtype);
    }

    [Fact]
    public void Audit_Action_EveryLoggedActionHasItsRowAbove()
    {
        // A new action falls to R (read) unless it is placed; the rows above are where that decision is made and checked.
        var placed = typeof(FhirResourcesTests).GetMethod(nameof(Audit_Action_CreatesUpdatesDeletesExecutesOrReads))!
            .GetCustomAttributes(typeof(InlineDataAttribute), inherit: false).Cast<InlineDataAttribute>()
            .Select(row => (AccessAction)row.GetData(null!).Single()[0]);

        placed.Should().BeEquivalentTo(Enum.GetValues<AccessAction>());
    }
}
