using System.Security.Cryptography;
using System.Text;
using MediVault.Domain.Common;
using MediVault.Domain.Emergency;

namespace MediVault.UnitTests.Domain.Emergency;

public sealed class EmergencyProfileTests
{
    private static readonly Guid PatientId = Guid.Parse("0199b8a4-5c1e-7d2a-9f3b-2c4d6e8fa0b1");
    private static readonly DateTime SavedAt = new(2026, 11, 24, 10, 15, 0, 700, DateTimeKind.Utc);

    /// <summary>The profile whose canonical JSON and hash docs/emergency.md shows.</summary>
    private static EmergencyProfile DocumentedProfile()
    {
        var profile = EmergencyProfile.Create(PatientId);
        profile.Update(
            new DateOnly(1990, 4, 2), BloodType.ONegative,
            [new Allergy("Penicillin", "Hives", AllergySeverity.Severe)],
            [new Condition("Asthma", null)],
            [new Medication("Salbutamol", "100 mcg", null)],
            [new EmergencyContact("Ravi Verma", "brother", "+91 98765 43210")],
            organDonor: true, "Carries an inhaler.\nSpeaks \"Hindi\" – ok", SavedAt);
        return profile;
    }

    private static void UpdateWith(EmergencyProfile profile, DateOnly? dateOfBirth = null, IEnumerable<Allergy>? allergies = null, DateTime? at = null) =>
        profile.Update(dateOfBirth, BloodType.APositive, allergies ?? [], [], [], [], organDonor: false, null, at ?? SavedAt);

    [Fact]
    public void ToCanonicalJson_DocumentedProfile_IsSortedCompactJson()
    {
        var json = DocumentedProfile().ToCanonicalJson();

        json.Should().Be(
            """{"allergies":[{"reaction":"Hives","severity":"severe","substance":"Penicillin"}],"bloodType":"O-","conditions":[{"name":"Asthma","notes":null}],"dateOfBirth":"1990-04-02","emergencyContacts":[{"name":"Ravi Verma","phone":"+91 98765 43210","relationship":"brother"}],"medicalNotes":"Carries an inhaler.\nSpeaks \"Hindi\" – ok","medications":[{"dosage":"100 mcg","frequency":null,"name":"Salbutamol"}],"organDonor":true,"patientId":"0199b8a4-5c1e-7d2a-9f3b-2c4d6e8fa0b1","updatedAt":"2026-11-24T10:15:00Z"}""");
    }

    [Fact]
    public void ContentHash_DocumentedProfile_MatchesTheValueInTheDocs()
    {
        var profile = DocumentedProfile();

        var hash = profile.ContentHash();

        // Computed independently: python3 json.dumps(sort_keys=True, separators=(',',':'), ensure_ascii=False) | sha256.
        hash.Should().Be("fa761396e867d347ce000c3b6f299dd7a239394e8f80996269dea6456dea63d6");
        hash.Should().Be(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(profile.ToCanonicalJson()))));
    }

    [Fact]
    public void ContentHash_AnyFieldChanged_Differs()
    {
        var before = DocumentedProfile().ContentHash();
        var changed = DocumentedProfile();
        changed.Update(
            new DateOnly(1990, 4, 2), BloodType.ONegative,
            [new Allergy("Penicillin", "Hives", AllergySeverity.Moderate)],
            [new Condition("Asthma", null)],
            [new Medication("Salbutamol", "100 mcg", null)],
            [new EmergencyContact("Ravi Verma", "brother", "+91 98765 43210")],
            organDonor: true, "Carries an inhaler.\nSpeaks \"Hindi\" – ok", SavedAt);

        changed.ContentHash().Should().NotBe(before);
    }

    [Fact]
    public void Update_TimeWithFraction_KeepsWholeSeconds()
    {
        var profile = DocumentedProfile();

        profile.UpdatedAt.Should().Be(new DateTime(2026, 11, 24, 10, 15, 0, DateTimeKind.Utc));
        profile.UpdatedAt.Kind.Should().Be(DateTimeKind.Utc);
    }

    [Theory]
    [InlineData(1899, 12, 31)]
    [InlineData(2026, 11, 25)]
    public void Update_DateOfBirthOutOfRange_Throws(int year, int month, int day)
    {
        var profile = EmergencyProfile.Create(PatientId);

        var act = () => UpdateWith(profile, new DateOnly(year, month, day));

        act.Should().Throw<DomainRuleException>().WithMessage("*dateOfBirth*");
    }

    [Theory]
    [InlineData(1900, 1, 1)]
    [InlineData(2026, 11, 24)]
    public void Update_DateOfBirthOnTheBounds_IsKept(int year, int month, int day)
    {
        var profile = EmergencyProfile.Create(PatientId);

        UpdateWith(profile, new DateOnly(year, month, day));

        profile.DateOfBirth.Should().Be(new DateOnly(year, month, day));
    }

    [Fact]
    public void Update_MoreThanFiftyItems_Throws()
    {
        var profile = EmergencyProfile.Create(PatientId);
        var allergies = Enumerable.Range(0, EmergencyProfile.MaxItemsPerList + 1).Select(i => new Allergy($"Substance {i}", null, AllergySeverity.Mild));

        var act = () => UpdateWith(profile, allergies: allergies);

        act.Should().Throw<DomainRuleException>().WithMessage("*allergies*50*");
    }

    [Fact]
    public void Update_ExactlyFiftyItems_IsAccepted()
    {
        var profile = EmergencyProfile.Create(PatientId);
        var allergies = Enumerable.Range(0, EmergencyProfile.MaxItemsPerList).Select(i => new Allergy($"Substance {i}", null, AllergySeverity.Mild));

        UpdateWith(profile, allergies: allergies);

        profile.Allergies.Should().HaveCount(EmergencyProfile.MaxItemsPerList);
    }

    [Fact]
    public void Update_AnUnknownBloodType_Throws()
    {
        var profile = EmergencyProfile.Create(PatientId);

        var act = () => profile.Update(null, (BloodType)99, [], [], [], [], organDonor: false, null, SavedAt);

        act.Should().Throw<DomainRuleException>().WithMessage("bloodType is not a known blood type.");
    }

    [Fact]
    public void Update_WithoutAList_ThrowsArgumentNull_NamingTheList()
    {
        var profile = EmergencyProfile.Create(PatientId);

        var act = () => profile.Update(null, BloodType.APositive, [], null!, [], [], organDonor: false, null, SavedAt);

        act.Should().Throw<ArgumentNullException>().WithParameterName("conditions");
    }

    [Fact]
    public void Update_AListWithAnEmptyItem_Throws()
    {
        var profile = EmergencyProfile.Create(PatientId);

        var act = () => UpdateWith(profile, allergies: [new Allergy("Penicillin", null, AllergySeverity.Severe), null!]);

        act.Should().Throw<DomainRuleException>().WithMessage("allergies cannot hold empty items.");
    }

    [Fact]
    public void Update_LocalTime_Throws()
    {
        var profile = EmergencyProfile.Create(PatientId);

        var act = () => UpdateWith(profile, at: new DateTime(2026, 11, 24, 10, 0, 0, DateTimeKind.Local));

        act.Should().Throw<DomainRuleException>();
    }

    public static TheoryData<DateOnly?, BloodType, bool, bool> Completeness => new()
    {
        { new DateOnly(1990, 4, 2), BloodType.APositive, true, true },
        { null, BloodType.APositive, true, false },
        { new DateOnly(1990, 4, 2), BloodType.Unknown, true, false },
        { new DateOnly(1990, 4, 2), BloodType.APositive, false, false },
    };

    [Theory]
    [MemberData(nameof(Completeness))]
    public void IsComplete_NeedsDateOfBirthKnownBloodTypeAndAContact(DateOnly? born, BloodType bloodType, bool hasContact, bool complete)
    {
        var profile = EmergencyProfile.Create(PatientId);
        EmergencyContact[] contacts = hasContact ? [new EmergencyContact("Ravi", "brother", "112")] : [];

        profile.Update(born, bloodType, [], [], [], contacts, organDonor: false, null, SavedAt);

        profile.IsComplete.Should().Be(complete);
    }
}
