using MediVault.Domain.Emergency;

namespace MediVault.UnitTests.TestSupport;

/// <summary>A saved emergency profile with something in every field, for tests that need one to read back.</summary>
internal static class SampleProfiles
{
    public static readonly DateOnly DateOfBirth = new(1971, 5, 4);

    /// <summary>Born <see cref="DateOfBirth"/>, blood type O-, one allergy, condition, medication and contact (Ravi Verma, brother), organ donor, with notes.</summary>
    public static EmergencyProfile Full(Guid patientId, DateTime savedAt)
    {
        var profile = EmergencyProfile.Create(patientId);
        profile.Update(DateOfBirth, BloodType.ONegative, [new Allergy("Penicillin", "rash", AllergySeverity.Severe)],
            [new Condition("Asthma", "since childhood")], [new Medication("Salbutamol", "100 µg", "as needed")],
            [new EmergencyContact("Ravi Verma", "brother", "+91 98765 43210")], organDonor: true, "Carries an inhaler.", savedAt);
        return profile;
    }
}
