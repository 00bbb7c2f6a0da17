using MediVault.Domain.Common;
using MediVault.Domain.Emergency;

namespace MediVault.UnitTests.Domain.Emergency;

public sealed class EmergencyProfilePartsTests
{
    [Theory]
    [InlineData("112")]
    [InlineData("+91 98765 43210")]
    [InlineData("+44 (0)20 7946 0958")]
    [InlineData("555-123-4567")]
    [InlineData("030/1234567")]
    [InlineData("06.12.34.56.78")]
    [InlineData("123456789012345")]                  // exactly 15 digits
    [InlineData("+(1)-2-3-4-5-6-7-8-9-0-1-2-3-4-5")] // exactly 32 characters, 15 digits
    public void IsPhoneLike_PhoneNumbers_True(string phone) =>
        EmergencyContact.IsPhoneLike(phone).Should().BeTrue();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("call me")]
    [InlineData("12")]                       // fewer than 3 digits
    [InlineData("1234567890123456")]         // more than 15 digits
    [InlineData("+(1)-2-3-4-5-6-7-8-9-0-1-2-3-4- 5")] // 33 characters, 15 digits
    [InlineData("112 ")]                     // untrimmed at the end
    [InlineData("98765+43210")]              // + only in front
    [InlineData(" 112")]                     // untrimmed
    [InlineData("javascript:alert(1)")]
    [InlineData("+1 555 0100; ext=9")]
    public void IsPhoneLike_NotPhoneNumbers_False(string? phone) =>
        EmergencyContact.IsPhoneLike(phone).Should().BeFalse();

    [Fact]
    public void EmergencyContact_NotAPhoneNumber_Throws()
    {
        var act = () => new EmergencyContact("Ravi", "brother", "call me");

        act.Should().Throw<DomainRuleException>().WithMessage("*phone*");
    }

    [Fact]
    public void Allergy_UnknownSeverity_Throws()
    {
        var act = () => new Allergy("Penicillin", null, (AllergySeverity)99);

        act.Should().Throw<DomainRuleException>().WithMessage("*severity*");
    }

    [Fact]
    public void Allergy_BlankSubstance_Throws()
    {
        var act = () => new Allergy("  ", null, AllergySeverity.Mild);

        act.Should().Throw<DomainRuleException>().WithMessage("*substance*");
    }

    [Fact]
    public void Condition_ControlCharacterInName_Throws()
    {
        var act = () => new Condition("Asthma\u0007", null);

        act.Should().Throw<DomainRuleException>().WithMessage("*control*");
    }

    [Fact]
    public void Medication_OverlongDosage_Throws()
    {
        var act = () => new Medication("Salbutamol", new string('x', Medication.MaxDosageLength + 1), null);

        act.Should().Throw<DomainRuleException>().WithMessage("*dosage*");
    }

    [Theory]
    [InlineData("A+", BloodType.APositive)]
    [InlineData("ab-", BloodType.AbNegative)]
    [InlineData("O-", BloodType.ONegative)]
    [InlineData("Unknown", BloodType.Unknown)]
    public void BloodTypeTryParse_ContractSpelling_Reads(string name, BloodType expected)
    {
        BloodTypeNames.TryParse(name, out var type).Should().BeTrue();
        type.Should().Be(expected);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("C+")]
    [InlineData("A")]
    [InlineData("APositive")]
    [InlineData("0+")]
    public void BloodTypeTryParse_UnknownSpelling_Refuses(string? name) =>
        BloodTypeNames.TryParse(name, out _).Should().BeFalse();

    [Fact]
    public void BloodTypeNames_EveryBloodType_RoundTrips()
    {
        foreach (var type in Enum.GetValues<BloodType>())
        {
            BloodTypeNames.TryParse(type.ToName(), out var read).Should().BeTrue();
            read.Should().Be(type);
        }
    }

    [Theory]
    [InlineData("mild", AllergySeverity.Mild)]
    [InlineData("Moderate", AllergySeverity.Moderate)]
    [InlineData("SEVERE", AllergySeverity.Severe)]
    public void SeverityTryParse_ContractSpelling_Reads(string name, AllergySeverity expected)
    {
        AllergySeverityNames.TryParse(name, out var severity).Should().BeTrue();
        severity.Should().Be(expected);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("deadly")]
    [InlineData("2")]
    public void SeverityTryParse_UnknownSpelling_Refuses(string? name) =>
        AllergySeverityNames.TryParse(name, out _).Should().BeFalse();
}
