using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MediVault.Domain.Common;

namespace MediVault.Domain.Emergency;

/// <summary>What a first responder needs to know about a patient. One per patient, keyed by the patient's id.</summary>
public sealed class EmergencyProfile
{
    public const int MaxItemsPerList = 50;
    public const int MaxMedicalNotesLength = 4000;
    public static readonly DateOnly EarliestDateOfBirth = new(1900, 1, 1);

    private EmergencyProfile() { } // EF Core

    public Guid PatientId { get; private set; }
    public DateOnly? DateOfBirth { get; private set; }
    public BloodType BloodType { get; private set; }
    public List<Allergy> Allergies { get; private set; } = [];
    public List<Condition> Conditions { get; private set; } = [];
    public List<Medication> Medications { get; private set; } = [];
    public List<EmergencyContact> EmergencyContacts { get; private set; } = [];
    public bool OrganDonor { get; private set; }
    public string? MedicalNotes { get; private set; }
    /// <summary>When the patient last saved the profile, UTC, to the whole second (it is part of the hashed form).</summary>
    public DateTime UpdatedAt { get; private set; }

    /// <summary>Complete enough for a first responder: a date of birth, a known blood type and at least one contact.</summary>
    public bool IsComplete => BloodType != BloodType.Unknown && EmergencyContacts.Count > 0 && DateOfBirth is not null;

    public static EmergencyProfile Create(Guid patientId) =>
        new() { PatientId = Guard.NotEmpty(patientId, nameof(patientId)) };

    /// <summary>Replaces the whole profile: an upsert from the patient is the profile as they want it now.</summary>
    public void Update(
        DateOnly? dateOfBirth, BloodType bloodType, IEnumerable<Allergy> allergies, IEnumerable<Condition> conditions,
        IEnumerable<Medication> medications, IEnumerable<EmergencyContact> contacts, bool organDonor,
        string? medicalNotes, DateTime at)
    {
        var updatedAt = Guard.Utc(at, nameof(at));
        if (dateOfBirth is { } born && (born < EarliestDateOfBirth || born > DateOnly.FromDateTime(updatedAt)))
            throw new DomainRuleException($"dateOfBirth must lie between {EarliestDateOfBirth:yyyy-MM-dd} and today.");
        if (!Enum.IsDefined(bloodType))
            throw new DomainRuleException("bloodType is not a known blood type.");

        var allergyList = List(allergies, nameof(allergies));
        var conditionList = List(conditions, nameof(conditions));
        var medicationList = List(medications, nameof(medications));
        var contactList = List(contacts, nameof(contacts));

        DateOfBirth = dateOfBirth;
        BloodType = bloodType;
        Allergies = allergyList;
        Conditions = conditionList;
        Medications = medicationList;
        EmergencyContacts = contactList;
        OrganDonor = organDonor;
        MedicalNotes = ProfileText.Optional(medicalNotes, MaxMedicalNotesLength, nameof(medicalNotes));
        UpdatedAt = updatedAt.AddTicks(-(updatedAt.Ticks % TimeSpan.TicksPerSecond));
    }

    /// <summary>
    /// The profile in canonical JSON (RFC 8785), the form the <c>profile-updated</c> ledger block hashes.
    /// It is the API's profile document without <c>fullName</c> (account data, not profile data); docs/emergency.md.
    /// </summary>
    public string ToCanonicalJson() => CanonicalJson.Serialize(new Dictionary<string, object?>
    {
        ["patientId"] = PatientId.ToString("D"),
        ["dateOfBirth"] = DateOfBirth?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["bloodType"] = BloodType.ToName(),
        ["allergies"] = Allergies.Select(a => new Dictionary<string, object?>
        {
            ["substance"] = a.Substance,
            ["reaction"] = a.Reaction,
            ["severity"] = a.Severity.ToName(),
        }),
        ["conditions"] = Conditions.Select(c => new Dictionary<string, object?>
        {
            ["name"] = c.Name,
            ["notes"] = c.Notes,
        }),
        ["medications"] = Medications.Select(m => new Dictionary<string, object?>
        {
            ["name"] = m.Name,
            ["dosage"] = m.Dosage,
            ["frequency"] = m.Frequency,
        }),
        ["emergencyContacts"] = EmergencyContacts.Select(c => new Dictionary<string, object?>
        {
            ["name"] = c.Name,
            ["relationship"] = c.Relationship,
            ["phone"] = c.Phone,
        }),
        ["organDonor"] = OrganDonor,
        ["medicalNotes"] = MedicalNotes,
        ["updatedAt"] = UpdatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
    });

    /// <summary>Lower-case hex SHA-256 of the UTF-8 bytes of <see cref="ToCanonicalJson"/>.</summary>
    public string ContentHash() =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ToCanonicalJson())));

    private static List<T> List<T>(IEnumerable<T> items, string name)
    {
        ArgumentNullException.ThrowIfNull(items, name);
        var list = items.ToList();
        if (list.Count > MaxItemsPerList)
            throw new DomainRuleException($"{name} holds at most {MaxItemsPerList} items.");
        if (list.Any(item => item is null))
            throw new DomainRuleException($"{name} cannot hold empty items.");
        return list;
    }
}
