using System.Text.Json;
using MediVault.Domain.Emergency;
using MediVault.Infrastructure.Storage;
using MediVault.UnitTests.TestSupport;

namespace MediVault.UnitTests.Infrastructure.Storage;

/// <summary>
/// The sealed part of an emergency profile: what a save writes comes back whole, and a profile stored before sealing
/// (its old columns, lists as JSON with the web defaults) becomes the same content, a JSON <c>null</c> list an empty one.
/// </summary>
public sealed class SealedProfileContentTests
{
    private static readonly JsonSerializerOptions Legacy = new(JsonSerializerDefaults.Web);
    private static readonly Guid Patient = Guid.CreateVersion7();
    private static readonly DateTime At = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);

    private static EmergencyProfile Full() => SampleProfiles.Full(Patient, At);

    private static EmergencyProfile Restored(string json)
    {
        var profile = EmergencyProfile.Create(Patient);
        SealedProfileContent.Restore(profile, json);
        return profile;
    }

    [Fact]
    public void ToJson_ThenRestore_GivesBackEveryField()
    {
        var saved = Full();

        var restored = Restored(SealedProfileContent.ToJson(saved));

        restored.Should().BeEquivalentTo(saved, options => options.Excluding(p => p.UpdatedAt));
    }

    [Fact]
    public void FromLegacyColumns_IsTheSameContentAsASave()
    {
        var saved = Full();

        var json = SealedProfileContent.FromLegacyColumns(saved.DateOfBirth, nameof(BloodType.ONegative),
            JsonSerializer.Serialize(saved.Allergies, Legacy), JsonSerializer.Serialize(saved.Conditions, Legacy),
            JsonSerializer.Serialize(saved.Medications, Legacy), JsonSerializer.Serialize(saved.EmergencyContacts, Legacy),
            saved.OrganDonor, saved.MedicalNotes);

        json.Should().Be(SealedProfileContent.ToJson(saved));
        Restored(json).Should().BeEquivalentTo(saved, options => options.Excluding(p => p.UpdatedAt));
    }

    [Fact]
    public void FromLegacyColumns_NullLists_AreEmpty()
    {
        var json = SealedProfileContent.FromLegacyColumns(null, nameof(BloodType.Unknown), "null", "null", "null", "null", false, null);

        var restored = Restored(json);

        using (var content = JsonDocument.Parse(json))
        {
            foreach (var list in new[] { "allergies", "conditions", "medications", "emergencyContacts" })
                content.RootElement.GetProperty(list).GetArrayLength().Should().Be(0, $"{list} is stored as an empty list, not null");
        }
        restored.Allergies.Should().BeEmpty();
        restored.Conditions.Should().BeEmpty();
        restored.Medications.Should().BeEmpty();
        restored.EmergencyContacts.Should().BeEmpty();
        restored.BloodType.Should().Be(BloodType.Unknown);
        restored.DateOfBirth.Should().BeNull();
    }

    [Fact]
    public void Restore_NullLists_AreEmpty()
    {
        var restored = Restored(
            """{"dateOfBirth":null,"bloodType":"APositive","allergies":null,"conditions":null,"medications":null,"emergencyContacts":null,"organDonor":true,"medicalNotes":null}""");

        restored.Allergies.Should().NotBeNull().And.BeEmpty();
        restored.Conditions.Should().NotBeNull().And.BeEmpty();
        restored.Medications.Should().NotBeNull().And.BeEmpty();
        restored.EmergencyContacts.Should().NotBeNull().And.BeEmpty();
        restored.BloodType.Should().Be(BloodType.APositive);
        restored.OrganDonor.Should().BeTrue();
    }

    [Fact]
    public void Restore_JsonNull_IsNotAProfile()
    {
        var act = () => Restored("null");

        act.Should().Throw<JsonException>();
    }
}
