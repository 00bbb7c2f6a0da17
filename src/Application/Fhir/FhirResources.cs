using System.Globalization;
using Hl7.Fhir.Model;
using MediVault.Application.Audit;
using MediVault.Application.Emergency;
using MediVault.Domain.Audit;
using MediVault.Domain.Emergency;
using MediVault.Domain.Records;
using FhirAllergy = Hl7.Fhir.Model.AllergyIntolerance;
using FhirCondition = Hl7.Fhir.Model.Condition;

namespace MediVault.Application.Fhir;

/// <summary>What a Patient resource is made of: the account's name and e-mail, and the emergency profile when there is one.</summary>
public sealed record PatientFacts(Guid PatientId, string FullName, string? Email, EmergencyProfileDto? Profile);

/// <summary>What a DocumentReference is made of: a medical file's metadata and both its hashes (lower-case hex).</summary>
public sealed record DocumentFacts(
    Guid Id, Guid PatientId, string FileName, string ContentType, long SizeBytes, FileCategory Category, string? Description,
    DateOnly? RecordDate, string Sha256, string Sha1, DateTime UploadedAt);

/// <summary>
/// The one mapping from vault data to FHIR R4 resources, shared by the read and search endpoints and the IPS builder.
/// References are relative (<c>Patient/{id}</c>); a document Bundle rewrites them. Every mapping: docs/fhir.md.
/// </summary>
public static class FhirResources
{
    public static Patient Patient(PatientFacts facts)
    {
        var patient = new Patient
        {
            Id = facts.PatientId.ToString("D"),
            Identifier = [new Identifier(FhirSystems.PatientIdentifier, facts.PatientId.ToString("D"))],
            Active = true,
            Name = [new HumanName { Use = HumanName.NameUse.Usual, Text = facts.FullName }],
        };
        if (!string.IsNullOrEmpty(facts.Email))
            patient.Telecom.Add(new ContactPoint(ContactPoint.ContactPointSystem.Email, ContactPoint.ContactPointUse.Home, facts.Email));
        if (facts.Profile is not { } profile)
            return patient;

        if (profile.DateOfBirth is { } born)
            patient.BirthDate = born.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        patient.Extension.Add(new Extension(FhirSystems.OrganDonorExtension, new FhirBoolean(profile.OrganDonor)));
        foreach (var contact in profile.EmergencyContacts)
        {
            patient.Contact.Add(new Patient.ContactComponent
            {
                Relationship =
                [
                    new CodeableConcept(FhirSystems.ContactRole, "C", "Emergency Contact"),
                    new CodeableConcept { Text = contact.Relationship },
                ],
                Name = new HumanName { Text = contact.Name },
                Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Phone, null, contact.Phone)],
            });
        }
        return patient;
    }

    public static FhirAllergy Allergy(Guid patientId, int index, AllergyDto allergy, DateTime recordedAt)
    {
        var resource = new FhirAllergy
        {
            Id = new ProfileItemId(ProfileItemId.Allergy, patientId, index).ToString(),
            ClinicalStatus = new CodeableConcept(FhirSystems.AllergyClinical, "active", "Active"),
            // The patient says so; no clinician has confirmed it.
            VerificationStatus = new CodeableConcept(FhirSystems.AllergyVerification, "unconfirmed", "Unconfirmed"),
            Criticality = allergy.Severity == AllergySeverity.Severe
                ? FhirAllergy.AllergyIntoleranceCriticality.High
                : FhirAllergy.AllergyIntoleranceCriticality.Low,
            Code = new CodeableConcept { Text = allergy.Substance },
            Patient = PatientReference(patientId),
            RecordedDateElement = new FhirDateTime(new DateTimeOffset(recordedAt, TimeSpan.Zero)),
        };
        if (allergy.Reaction is { } reaction)
        {
            resource.Reaction.Add(new FhirAllergy.ReactionComponent
            {
                Manifestation = [new CodeableConcept { Text = reaction }],
                Severity = allergy.Severity switch
                {
                    AllergySeverity.Severe => FhirAllergy.AllergyIntoleranceSeverity.Severe,
                    AllergySeverity.Moderate => FhirAllergy.AllergyIntoleranceSeverity.Moderate,
                    _ => FhirAllergy.AllergyIntoleranceSeverity.Mild,
                },
            });
        }
        return resource;
    }

    public static FhirCondition Condition(Guid patientId, int index, ConditionDto condition, DateTime recordedAt)
    {
        var resource = new FhirCondition
        {
            Id = new ProfileItemId(ProfileItemId.Condition, patientId, index).ToString(),
            ClinicalStatus = new CodeableConcept(FhirSystems.ConditionClinical, "active", "Active"),
            Category = [new CodeableConcept(FhirSystems.ConditionCategory, "problem-list-item", "Problem List Item")],
            Code = new CodeableConcept { Text = condition.Name },
            Subject = PatientReference(patientId),
            RecordedDateElement = new FhirDateTime(new DateTimeOffset(recordedAt, TimeSpan.Zero)),
        };
        if (condition.Notes is { } notes)
            resource.Note.Add(new Annotation { Text = new Markdown(notes) });
        return resource;
    }

    public static MedicationStatement Medication(Guid patientId, int index, MedicationDto medication, DateTime recordedAt)
    {
        var resource = new MedicationStatement
        {
            Id = new ProfileItemId(ProfileItemId.Medication, patientId, index).ToString(),
            Status = MedicationStatement.MedicationStatusCodes.Active,
            Medication = new CodeableConcept { Text = medication.Name },
            Subject = PatientReference(patientId),
            DateAssertedElement = new FhirDateTime(new DateTimeOffset(recordedAt, TimeSpan.Zero)),
            InformationSource = PatientReference(patientId),
        };
        var dosage = string.Join(", ", new[] { medication.Dosage, medication.Frequency }.Where(part => !string.IsNullOrWhiteSpace(part)));
        if (dosage.Length > 0)
            resource.Dosage.Add(new Dosage { Text = dosage });
        return resource;
    }

    /// <summary>ABO/Rh group as an Observation (LOINC 882-1, SNOMED CT value); null when the blood type is unknown.</summary>
    public static Observation? BloodType(Guid patientId, string bloodType, DateTime recordedAt)
    {
        if (!BloodTypeNames.TryParse(bloodType, out var type) || !BloodTypeCodes.TryGetValue(type, out var code))
            return null;
        return new Observation
        {
            Id = $"blood-type-{patientId:N}",
            Status = ObservationStatus.Final,
            Category = [new CodeableConcept(FhirSystems.ObservationCategory, "laboratory", "Laboratory")],
            Code = new CodeableConcept(FhirSystems.Loinc, "882-1", "ABO and Rh group [Type] in Blood"),
            Subject = PatientReference(patientId),
            Effective = new FhirDateTime(new DateTimeOffset(recordedAt, TimeSpan.Zero)),
            Value = new CodeableConcept(FhirSystems.Snomed, code.Code, code.Display, bloodType),
        };
    }

    public static DocumentReference Document(DocumentFacts file)
    {
        var attachment = new Attachment
        {
            ContentType = file.ContentType,
            Url = $"Binary/{file.Id:D}",
            SizeUnsignedInt = (int)Math.Min(file.SizeBytes, int.MaxValue),
            Hash = Convert.FromHexString(file.Sha1),
            Title = file.FileName,
            CreationElement = new FhirDateTime(new DateTimeOffset(file.UploadedAt, TimeSpan.Zero)),
        };
        attachment.Extension.Add(new Extension(FhirSystems.Sha256Extension, new FhirString(file.Sha256)));
        var document = new DocumentReference
        {
            Id = file.Id.ToString("D"),
            Status = DocumentReferenceStatus.Current,
            Category = [DocumentCategories.Of(file.Category)],
            Subject = PatientReference(file.PatientId),
            Date = new DateTimeOffset(file.UploadedAt, TimeSpan.Zero),
            Description = file.Description,
            Content = [new DocumentReference.ContentComponent { Attachment = attachment }],
        };
        if (file.RecordDate is { } recordDate)
        {
            document.Context = new DocumentReference.ContextComponent
            {
                Period = new Period { StartElement = new FhirDateTime(recordDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) },
            };
        }
        return document;
    }

    public static AuditEvent Audit(Guid patientId, AccessLogEntryDto entry)
    {
        var agent = new AuditEvent.AgentComponent
        {
            Type = new CodeableConcept { Text = entry.ActorRole.ToString().ToLowerInvariant() },
            Who = entry.ActorId == patientId
                ? new ResourceReference($"Patient/{patientId:D}", entry.ActorName)
                : new ResourceReference { Display = entry.ActorName.Length > 0 ? entry.ActorName : entry.ActorRole.ToString() },
            Requestor = true,
        };
        if (entry.IpAddress is { } address)
            agent.Network = new AuditEvent.NetworkComponent { Address = address, Type = AuditEvent.AuditEventAgentNetworkType.N2 };
        var audit = new AuditEvent
        {
            Id = entry.Id.ToString("D"),
            Type = new Coding(FhirSystems.DicomAuditEvent, "110110", "Patient Record"),
            Subtype = [new Coding(FhirSystems.AccessAction, Kebab(entry.Action.ToString()))],
            Action = AuditActionOf(entry.Action),
            Recorded = new DateTimeOffset(entry.Timestamp, TimeSpan.Zero),
            Outcome = entry.Outcome == AccessOutcome.Success ? AuditEvent.AuditEventOutcome.N0 : AuditEvent.AuditEventOutcome.N4,
            Agent = [agent],
            Source = new AuditEvent.SourceComponent { Observer = new ResourceReference { Display = "MediVault" } },
            Entity = [new AuditEvent.EntityComponent { What = PatientReference(patientId) }],
        };
        if (entry.ResourceId is { } resourceId && entry.ResourceId != patientId)
            audit.Entity.Add(new AuditEvent.EntityComponent { What = new ResourceReference { Display = $"{entry.ResourceType} {resourceId:D}" } });
        return audit;
    }

    public static ResourceReference PatientReference(Guid patientId) => new($"Patient/{patientId:D}");

    private static AuditEvent.AuditEventAction AuditActionOf(AccessAction action) => action switch
    {
        AccessAction.FileUploaded or AccessAction.QrGenerated or AccessAction.AccessGranted or AccessAction.ShlCreated => AuditEvent.AuditEventAction.C,
        AccessAction.ProfileUpdated or AccessAction.QrRevoked or AccessAction.AccessRevoked or AccessAction.ShlRevoked => AuditEvent.AuditEventAction.U,
        AccessAction.FileDeleted => AuditEvent.AuditEventAction.D,
        AccessAction.Login => AuditEvent.AuditEventAction.E,
        _ => AuditEvent.AuditEventAction.R,
    };

    private static string Kebab(string name) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(name);

    private static readonly Dictionary<Domain.Emergency.BloodType, (string Code, string Display)> BloodTypeCodes = new()
    {
        [Domain.Emergency.BloodType.APositive] = ("278149003", "Blood group A Rh(D) positive"),
        [Domain.Emergency.BloodType.ANegative] = ("278152006", "Blood group A Rh(D) negative"),
        [Domain.Emergency.BloodType.BPositive] = ("278150003", "Blood group B Rh(D) positive"),
        [Domain.Emergency.BloodType.BNegative] = ("278153001", "Blood group B Rh(D) negative"),
        [Domain.Emergency.BloodType.AbPositive] = ("278151004", "Blood group AB Rh(D) positive"),
        [Domain.Emergency.BloodType.AbNegative] = ("278154007", "Blood group AB Rh(D) negative"),
        [Domain.Emergency.BloodType.OPositive] = ("278147001", "Blood group O Rh(D) positive"),
        [Domain.Emergency.BloodType.ONegative] = ("278148006", "Blood group O Rh(D) negative"),
    };
}
