using MediVault.Domain.Common;

namespace MediVault.Domain.Emergency;

/// <summary>What a first responder needs to know about a patient. One per patient.</summary>
public sealed class EmergencyProfile
{
    public const int MaxItemsPerList = 50;

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
    public DateTime UpdatedAt { get; private set; }

    public static EmergencyProfile Create(Guid patientId) =>
        new() { PatientId = Guard.NotEmpty(patientId, nameof(patientId)) };

    public void Update(
        DateOnly? dateOfBirth, BloodType bloodType, IEnumerable<Allergy> allergies, IEnumerable<Condition> conditions,
        IEnumerable<Medication> medications, IEnumerable<EmergencyContact> contacts, bool organDonor,
        string? medicalNotes, DateTime at)
    {
        var allergyList = allergies.ToList();
        var conditionList = conditions.ToList();
        var medicationList = medications.ToList();
        var contactList = contacts.ToList();
        if (new[] { allergyList.Count, conditionList.Count, medicationList.Count, contactList.Count }.Any(c => c > MaxItemsPerList))
            throw new DomainRuleException($"A profile list holds at most {MaxItemsPerList} items.");

        DateOfBirth = dateOfBirth;
        BloodType = bloodType;
        Allergies = allergyList;
        Conditions = conditionList;
        Medications = medicationList;
        EmergencyContacts = contactList;
        OrganDonor = organDonor;
        MedicalNotes = medicalNotes;
        UpdatedAt = Guard.Utc(at, nameof(at));
    }

    /// <summary>Complete enough for a first responder: a known blood type and at least one contact.</summary>
    public bool IsComplete => BloodType != BloodType.Unknown && EmergencyContacts.Count > 0 && DateOfBirth is not null;
}
