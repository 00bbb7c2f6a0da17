using Hl7.Fhir.Model;
using MediVault.Application.Audit;
using MediVault.Application.Emergency;
using MediVault.Application.Fhir;
using MediVault.Application.Fhir.Ips;
using MediVault.Domain.Audit;
using MediVault.Domain.Emergency;
using MediVault.Domain.Records;

namespace MediVault.UnitTests.Application.Fhir;

/// <summary>Vault data in every shape the FHIR mappings meet: full, sparse and empty.</summary>
internal static class FhirSamples
{
    public static readonly Guid PatientId = Guid.Parse("0190c0de-0000-7000-8000-000000000001");
    public static readonly DateTime At = new(2026, 11, 30, 9, 15, 0, DateTimeKind.Utc);

    public static EmergencyProfileDto FullProfile() => new(
        PatientId, "Asha Verma", new DateOnly(1990, 4, 2), "O+",
        [new AllergyDto("Penicillin", "Anaphylaxis", AllergySeverity.Severe), new AllergyDto("Dust", null, AllergySeverity.Mild)],
        [new ConditionDto("Asthma", "Since childhood"), new ConditionDto("Hypertension", null)],
        [new MedicationDto("Salbutamol", "100 mcg", "as needed"), new MedicationDto("Amlodipine", null, null)],
        [new EmergencyContactDto("Ravi Verma", "brother", "+91 98765 43210")],
        OrganDonor: true, "Carries an inhaler.", At);

    public static EmergencyProfileDto EmptyProfile() => new(
        PatientId, "Asha Verma", null, "unknown", [], [], [], [], OrganDonor: false, null, At);

    public static PatientFacts Patient(EmergencyProfileDto? profile) => new(PatientId, "Asha Verma", "asha@example.com", profile);

    /// <summary>The IPS document <see cref="IpsBuilder"/> makes of the patient with this profile (or none).</summary>
    public static Bundle IpsDocument(EmergencyProfileDto? profile) =>
        IpsBuilder.Build(new IpsRequest(Patient(profile), Guid.Parse("0190c0de-0000-7000-8000-0000000000d1"), At));

    public const string BaseUrl = "https://vault.example/fhir/r4";

    public static readonly OAuthEndpoints OAuth = new(
        "https://vault.example/connect/authorize", "https://vault.example/connect/token", "https://vault.example/connect/revoke");

    public static DocumentFacts Document(FileCategory category = FileCategory.LabReport, DateOnly? recordDate = null) => new(
        Guid.Parse("0190c0de-0000-7000-8000-0000000000f1"), PatientId, "lab.pdf", "application/pdf", 4096, category, "Blood count",
        recordDate, new string('a', 64), new string('b', 40), At);

    public static AccessLogEntryDto LogEntry(Guid? actorId, ActorRole role, AccessOutcome outcome = AccessOutcome.Success) => new(
        Guid.Parse("0190c0de-0000-7000-8000-0000000000e1"), At, AccessAction.FileDownloaded, actorId, "Dr. Lee", role, "file",
        Guid.Parse("0190c0de-0000-7000-8000-0000000000f1"), "10.0.0.7", "curl/8", outcome);
}
