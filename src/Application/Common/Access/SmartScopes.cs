namespace MediVault.Application.Common.Access;

/// <summary>
/// The SMART App Launch v2 scopes MediVault understands (https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html).
/// The OAuth server registers and advertises exactly this list; the FHIR API enforces it on top of <see cref="IRecordAccess"/>.
/// </summary>
public static class SmartScopes
{
    public const string LaunchPatient = "launch/patient";
    public const string FhirUser = "fhirUser";
    public const string PatientAllRead = "patient/*.rs";
    public const string UserAllRead = "user/*.rs";
    public const string SystemAllRead = "system/*.rs";

    /// <summary>The FHIR resource types MediVault serves, in the order the CapabilityStatement lists them.</summary>
    public static readonly IReadOnlyList<string> ResourceTypes =
    [
        "Patient", "AllergyIntolerance", "Condition", "MedicationStatement", "DocumentReference", "Binary", "AuditEvent",
    ];

    /// <summary>Every SMART scope advertised in discovery and <c>/.well-known/smart-configuration</c>.</summary>
    public static readonly IReadOnlyList<string> Supported =
    [
        LaunchPatient, FhirUser, PatientAllRead, UserAllRead, SystemAllRead,
        .. ResourceTypes.Select(type => $"patient/{type}.rs"),
        .. ResourceTypes.Select(type => $"user/{type}.rs"),
        .. ResourceTypes.Select(type => $"system/{type}.rs"),
    ];
}
