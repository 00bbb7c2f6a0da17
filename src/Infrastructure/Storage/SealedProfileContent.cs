using System.Runtime.CompilerServices;
using System.Text.Json;
using MediVault.Domain.Emergency;

namespace MediVault.Infrastructure.Storage;

/// <summary>
/// The part of an emergency profile stored sealed (<c>EmergencyProfiles.SealedContent</c>): everything but the
/// patient's id and the time of the last save. Its plaintext is this JSON; docs/storage.md, "Medical text".
/// </summary>
internal static class SealedProfileContent
{
    public const string Table = "EmergencyProfiles";
    public const string Column = "SealedContent";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record Content(
        DateOnly? DateOfBirth, string BloodType, List<Allergy> Allergies, List<Condition> Conditions, List<Medication> Medications,
        List<EmergencyContact> EmergencyContacts, bool OrganDonor, string? MedicalNotes);

    public static string ToJson(EmergencyProfile profile) => JsonSerializer.Serialize(new Content(
        profile.DateOfBirth, profile.BloodType.ToString(), profile.Allergies, profile.Conditions, profile.Medications,
        profile.EmergencyContacts, profile.OrganDonor, profile.MedicalNotes), Json);

    /// <summary>
    /// The JSON of a profile stored before issue 14, from its old columns: the lists were JSON already (same serializer
    /// options), the blood type was the enum member's name.
    /// </summary>
    public static string FromLegacyColumns(
        DateOnly? dateOfBirth, string bloodType, string allergies, string conditions, string medications, string contacts,
        bool organDonor, string? medicalNotes) => JsonSerializer.Serialize(new Content(
            dateOfBirth, Enum.Parse<BloodType>(bloodType).ToString(),
            JsonSerializer.Deserialize<List<Allergy>>(allergies, Json) ?? [],
            JsonSerializer.Deserialize<List<Condition>>(conditions, Json) ?? [],
            JsonSerializer.Deserialize<List<Medication>>(medications, Json) ?? [],
            JsonSerializer.Deserialize<List<EmergencyContact>>(contacts, Json) ?? [],
            organDonor, medicalNotes), Json);

    /// <summary>Puts opened content back into a profile that EF Core materialized without it.</summary>
    public static void Restore(EmergencyProfile profile, string json)
    {
        var content = JsonSerializer.Deserialize<Content>(json, Json)
            ?? throw new JsonException("The sealed profile content is empty.");
        SetDateOfBirth(profile, content.DateOfBirth);
        SetBloodType(profile, Enum.Parse<BloodType>(content.BloodType));
        SetAllergies(profile, content.Allergies ?? []);
        SetConditions(profile, content.Conditions ?? []);
        SetMedications(profile, content.Medications ?? []);
        SetEmergencyContacts(profile, content.EmergencyContacts ?? []);
        SetOrganDonor(profile, content.OrganDonor);
        SetMedicalNotes(profile, content.MedicalNotes);
    }

    // The entity's private setters, as EF Core itself would use them for mapped columns.
    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_DateOfBirth")]
    private static extern void SetDateOfBirth(EmergencyProfile profile, DateOnly? value);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_BloodType")]
    private static extern void SetBloodType(EmergencyProfile profile, BloodType value);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_Allergies")]
    private static extern void SetAllergies(EmergencyProfile profile, List<Allergy> value);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_Conditions")]
    private static extern void SetConditions(EmergencyProfile profile, List<Condition> value);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_Medications")]
    private static extern void SetMedications(EmergencyProfile profile, List<Medication> value);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_EmergencyContacts")]
    private static extern void SetEmergencyContacts(EmergencyProfile profile, List<EmergencyContact> value);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_OrganDonor")]
    private static extern void SetOrganDonor(EmergencyProfile profile, bool value);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_MedicalNotes")]
    private static extern void SetMedicalNotes(EmergencyProfile profile, string? value);
}
