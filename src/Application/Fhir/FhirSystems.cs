namespace MediVault.Application.Fhir;

/// <summary>The code systems, identifier systems and extensions the FHIR resources use. docs/fhir.md lists each.</summary>
public static class FhirSystems
{
    public const string Loinc = "http://loinc.org";
    public const string Snomed = "http://snomed.info/sct";
    public const string Base = "https://medivault.app/fhir";
    public const string FileCategory = Base + "/CodeSystem/file-category";
    public const string AccessAction = Base + "/CodeSystem/access-action";
    public const string PatientIdentifier = Base + "/NamingSystem/patient-id";
    public const string OrganDonorExtension = Base + "/StructureDefinition/organ-donor";
    public const string Sha256Extension = Base + "/StructureDefinition/attachment-sha256";
    public const string ContactRole = "http://terminology.hl7.org/CodeSystem/v2-0131";
    public const string ListEmptyReason = "http://terminology.hl7.org/CodeSystem/list-empty-reason";
    public const string ConditionCategory = "http://terminology.hl7.org/CodeSystem/condition-category";
    public const string ConditionClinical = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    public const string AllergyClinical = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
    public const string AllergyVerification = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";
    public const string ObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category";
    public const string DicomAuditEvent = "http://dicom.nema.org/resources/ontology/DCM";
    public const string Rfc3986 = "urn:ietf:rfc:3986";
}

/// <summary>The ids of resources derived from a list in the emergency profile: <c>allergy-{patient}-{index}</c>.</summary>
public sealed record ProfileItemId(string Kind, Guid PatientId, int Index)
{
    public const string Allergy = "allergy";
    public const string Condition = "condition";
    public const string Medication = "medication";

    public override string ToString() => $"{Kind}-{PatientId:N}-{Index}";

    public static bool TryParse(string kind, string? id, out ProfileItemId? parsed)
    {
        parsed = null;
        var prefix = kind + "-";
        if (id is null || !id.StartsWith(prefix, StringComparison.Ordinal) || id.Length < prefix.Length + 34)
            return false;
        var rest = id[prefix.Length..];
        if (rest[32] != '-' || !Guid.TryParseExact(rest[..32], "N", out var patientId)
            || !int.TryParse(rest[33..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
            || index >= Domain.Emergency.EmergencyProfile.MaxItemsPerList)
            return false;
        parsed = new ProfileItemId(kind, patientId, index);
        return true;
    }
}
