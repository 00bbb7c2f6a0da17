using MediVault.Domain.Emergency;

namespace MediVault.Application.Emergency;

/// <summary>A patient's emergency profile as the API shows it.</summary>
/// <param name="PatientId">The patient the profile belongs to.</param>
/// <param name="FullName">The patient's name, from their account.</param>
/// <param name="DateOfBirth"><c>YYYY-MM-DD</c>, or null.</param>
/// <param name="BloodType"><c>A+</c>, <c>A-</c>, <c>B+</c>, <c>B-</c>, <c>AB+</c>, <c>AB-</c>, <c>O+</c>, <c>O-</c> or <c>unknown</c>.</param>
/// <param name="Allergies">In the order the patient gave them.</param>
/// <param name="Conditions">In the order the patient gave them.</param>
/// <param name="Medications">In the order the patient gave them.</param>
/// <param name="EmergencyContacts">Whom to call, in the order the patient gave them.</param>
/// <param name="OrganDonor">Whether the patient is a registered organ donor.</param>
/// <param name="MedicalNotes">Free text for a first responder.</param>
/// <param name="UpdatedAt">When the patient last saved the profile (UTC, whole seconds).</param>
public sealed record EmergencyProfileDto(
    Guid PatientId,
    string FullName,
    DateOnly? DateOfBirth,
    string BloodType,
    IReadOnlyList<AllergyDto> Allergies,
    IReadOnlyList<ConditionDto> Conditions,
    IReadOnlyList<MedicationDto> Medications,
    IReadOnlyList<EmergencyContactDto> EmergencyContacts,
    bool OrganDonor,
    string? MedicalNotes,
    DateTime UpdatedAt)
{
    public static EmergencyProfileDto From(EmergencyProfile profile, string fullName) => new(
        profile.PatientId,
        fullName,
        profile.DateOfBirth,
        profile.BloodType.ToName(),
        profile.Allergies.Select(a => new AllergyDto(a.Substance, a.Reaction, a.Severity)).ToList(),
        profile.Conditions.Select(c => new ConditionDto(c.Name, c.Notes)).ToList(),
        profile.Medications.Select(m => new MedicationDto(m.Name, m.Dosage, m.Frequency)).ToList(),
        profile.EmergencyContacts.Select(c => new EmergencyContactDto(c.Name, c.Relationship, c.Phone)).ToList(),
        profile.OrganDonor,
        profile.MedicalNotes,
        profile.UpdatedAt);
}

public sealed record AllergyDto(string Substance, string? Reaction, AllergySeverity Severity);

public sealed record ConditionDto(string Name, string? Notes);

public sealed record MedicationDto(string Name, string? Dosage, string? Frequency);

public sealed record EmergencyContactDto(string Name, string Relationship, string Phone);
