using FluentValidation.Results;
using MediVault.Application.Common.Behaviours;
using MediVault.Application.Emergency.UpsertEmergencyProfile;
using Microsoft.Extensions.Time.Testing;

namespace MediVault.UnitTests.Application.Emergency;

public sealed class UpsertEmergencyProfileValidatorTests
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 24, 23, 30, 0, TimeSpan.Zero));
    private readonly UpsertEmergencyProfileValidator validator = new(Clock);

    private static UpsertEmergencyProfile Valid() => new(
        Guid.CreateVersion7(),
        "1990-04-02",
        "O+",
        [new AllergyInput("Penicillin", "Anaphylaxis", "severe")],
        [new ConditionInput("Asthma", "Since childhood")],
        [new MedicationInput("Salbutamol", "100 mcg", "as needed")],
        [new EmergencyContactInput("Ravi Verma", "brother", "+91 98765 43210")],
        OrganDonor: true,
        "Carries an inhaler.\nAsk about it.");

    /// <summary>The field names the API reports (ValidationBehaviour camel-cases the validator's paths).</summary>
    private Dictionary<string, string[]> Errors(UpsertEmergencyProfile command)
    {
        ValidationResult result = validator.Validate(command);
        return result.Errors
            .GroupBy(e => ValidationBehaviour<UpsertEmergencyProfile, object>.ToCamelCase(e.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).ToArray());
    }

    [Fact]
    public void For_TheRequestBody_PutsEachFieldInItsPlace()
    {
        var patient = Guid.CreateVersion7();
        var input = new EmergencyProfileInput("1971-05-04", "O-", [new AllergyInput("Penicillin", "rash", "severe")], [new ConditionInput("Asthma")],
            [new MedicationInput("Salbutamol", "100 µg", "as needed")], [new EmergencyContactInput("Ravi", "brother", "112")], OrganDonor: true, "notes");

        var command = UpsertEmergencyProfile.For(patient, input);

        command.Should().BeEquivalentTo(new UpsertEmergencyProfile(patient, "1971-05-04", "O-", input.Allergies, input.Conditions, input.Medications,
            input.EmergencyContacts, OrganDonor: true, "notes"));
        command.Allergies.Should().BeSameAs(input.Allergies);
    }

    [Fact]
    public void EmergencyProfileInput_LeftEmpty_IsAnEmptyProfile() =>
        new EmergencyProfileInput().Should().Be(new EmergencyProfileInput(null, null, null, null, null, null, false, null));

    [Fact]
    public void Validate_FullProfile_Passes() =>
        Errors(Valid()).Should().BeEmpty();

    [Fact]
    public void Validate_EmptyProfile_Passes() =>
        Errors(new UpsertEmergencyProfile(Guid.CreateVersion7(), null, null, null, null, null, null, false, null)).Should().BeEmpty();

    [Theory]
    [InlineData("A+")]
    [InlineData("ab-")]
    [InlineData("unknown")]
    public void Validate_KnownBloodType_Passes(string bloodType) =>
        Errors(Valid() with { BloodType = bloodType }).Should().BeEmpty();

    [Theory]
    [InlineData("1900-01-01")]
    [InlineData("2026-11-24")]   // today, late in the UTC day
    public void Validate_DateOfBirthOnTheBounds_Passes(string dateOfBirth) =>
        Errors(Valid() with { DateOfBirth = dateOfBirth }).Should().BeEmpty();

    public static TheoryData<string, Func<UpsertEmergencyProfile, UpsertEmergencyProfile>> BadInputs => new()
    {
        { "bloodType", p => p with { BloodType = "C+" } },
        { "bloodType", p => p with { BloodType = "" } },
        { "bloodType", p => p with { BloodType = "APositive" } },
        { "dateOfBirth", p => p with { DateOfBirth = "1899-12-31" } },
        { "dateOfBirth", p => p with { DateOfBirth = "2026-11-25" } },
        { "dateOfBirth", p => p with { DateOfBirth = "02/04/1990" } },
        { "dateOfBirth", p => p with { DateOfBirth = "1990-02-30" } },
        { "allergies[0].severity", p => p with { Allergies = [new AllergyInput("Penicillin", null, "deadly")] } },
        { "allergies[0].severity", p => p with { Allergies = [new AllergyInput("Penicillin", null, null)] } },
        { "allergies[0].substance", p => p with { Allergies = [new AllergyInput(" ", null, "mild")] } },
        { "allergies[0].substance", p => p with { Allergies = [new AllergyInput(new string('x', 201), null, "mild")] } },
        { "allergies[0].reaction", p => p with { Allergies = [new AllergyInput("Nuts", new string('x', 501), "mild")] } },
        { "allergies[0]", p => p with { Allergies = [null] } },
        { "allergies", p => p with { Allergies = Enumerable.Repeat<AllergyInput?>(new AllergyInput("Nuts", null, "mild"), 51).ToList() } },
        { "conditions[0].name", p => p with { Conditions = [new ConditionInput("", null)] } },
        { "conditions[0].name", p => p with { Conditions = [new ConditionInput("Asthma\u0000", null)] } },
        { "conditions[0].notes", p => p with { Conditions = [new ConditionInput("Asthma", new string('x', 1001))] } },
        { "conditions", p => p with { Conditions = Enumerable.Repeat<ConditionInput?>(new ConditionInput("Asthma", null), 51).ToList() } },
        { "medications[0].name", p => p with { Medications = [new MedicationInput(null, "1 mg", null)] } },
        { "medications[0].dosage", p => p with { Medications = [new MedicationInput("X", new string('x', 101), null)] } },
        { "medications[0].frequency", p => p with { Medications = [new MedicationInput("X", null, new string('x', 101))] } },
        { "medications", p => p with { Medications = Enumerable.Repeat<MedicationInput?>(new MedicationInput("X", null, null), 51).ToList() } },
        { "emergencyContacts[0].name", p => p with { EmergencyContacts = [new EmergencyContactInput("", "brother", "112")] } },
        { "emergencyContacts[0].relationship", p => p with { EmergencyContacts = [new EmergencyContactInput("Ravi", null, "112")] } },
        { "emergencyContacts[0].phone", p => p with { EmergencyContacts = [new EmergencyContactInput("Ravi", "brother", "call me")] } },
        { "emergencyContacts[0].phone", p => p with { EmergencyContacts = [new EmergencyContactInput("Ravi", "brother", "")] } },
        { "emergencyContacts[0].phone", p => p with { EmergencyContacts = [new EmergencyContactInput("Ravi", "brother", "12")] } },
        { "emergencyContacts", p => p with { EmergencyContacts = Enumerable.Repeat<EmergencyContactInput?>(new EmergencyContactInput("R", "b", "112"), 51).ToList() } },
        { "medicalNotes", p => p with { MedicalNotes = new string('x', 4001) } },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Validate_BadInput_NamesTheField(string field, Func<UpsertEmergencyProfile, UpsertEmergencyProfile> spoil)
    {
        var errors = Errors(spoil(Valid()));

        errors.Should().ContainKey(field);
        errors.Keys.Should().OnlyContain(key => key == field, "only the spoiled field is wrong");
    }

    [Fact]
    public void Validate_FiftyItemsPerList_Passes()
    {
        var command = Valid() with
        {
            Allergies = Enumerable.Repeat<AllergyInput?>(new AllergyInput("Nuts", null, "mild"), 50).ToList(),
            EmergencyContacts = Enumerable.Repeat<EmergencyContactInput?>(new EmergencyContactInput("R", "b", "112"), 50).ToList(),
        };

        Errors(command).Should().BeEmpty();
    }

    [Fact]
    public void Validate_UnknownBloodType_MessageListsTheChoices() =>
        Errors(Valid() with { BloodType = "C+" })["bloodType"].Should().ContainSingle()
            .Which.Should().Contain("A+").And.Contain("AB-").And.Contain("unknown");
}
