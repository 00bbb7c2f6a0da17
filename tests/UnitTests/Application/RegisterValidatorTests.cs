using FluentValidation.TestHelper;
using MediVault.Application.Identity.Register;
using MediVault.Domain.Identity;

namespace MediVault.UnitTests.Application;

public sealed class RegisterValidatorTests
{
    private readonly RegisterValidator validator = new();

    private static Register Valid() => new("asha@example.com", "Correct-Horse-Battery-42", "Asha Rao", AccountType.Patient, null, null);

    [Fact]
    public void Validate_ValidPatient_HasNoErrors() =>
        validator.TestValidate(Valid()).ShouldNotHaveAnyValidationErrors();

    [Theory]
    [InlineData("")]
    [InlineData("no-at-sign")]
    public void Validate_BadEmail_FailsOnEmail(string email) =>
        validator.TestValidate(Valid() with { Email = email }).ShouldHaveValidationErrorFor(x => x.Email);

    [Theory]
    [InlineData(7)]
    [InlineData(129)]
    public void Validate_PasswordOutOfRange_FailsOnPassword(int length) =>
        validator.TestValidate(Valid() with { Password = new string('k', length) }).ShouldHaveValidationErrorFor(x => x.Password);

    [Theory]
    [InlineData(8)]
    [InlineData(128)]
    public void Validate_PasswordAtTheLimits_Passes(int length) =>
        validator.TestValidate(Valid() with { Password = new string('k', length) }).ShouldNotHaveValidationErrorFor(x => x.Password);

    [Fact]
    public void Validate_NameWithControlCharacters_FailsOnFullName() =>
        validator.TestValidate(Valid() with { FullName = "Asha\u0007Rao" }).ShouldHaveValidationErrorFor(x => x.FullName);

    [Fact]
    public void Validate_MissingAccountType_FailsOnAccountType() =>
        validator.TestValidate(Valid() with { AccountType = null }).ShouldHaveValidationErrorFor(x => x.AccountType);

    [Fact]
    public void Validate_DoctorWithoutLicense_FailsOnLicenseNumber() =>
        validator.TestValidate(Valid() with { AccountType = AccountType.Doctor }).ShouldHaveValidationErrorFor(x => x.LicenseNumber);

    [Theory]
    [InlineData(100, true)]
    [InlineData(101, false)]
    public void Validate_Specialty_IsAtMost100Characters(int length, bool valid)
    {
        var result = validator.TestValidate(Valid() with { AccountType = AccountType.Doctor, LicenseNumber = "MCI-1", Specialty = new string('s', length) });

        if (valid)
            result.ShouldNotHaveValidationErrorFor(x => x.Specialty);
        else
            result.ShouldHaveValidationErrorFor(x => x.Specialty);
    }

    [Fact]
    public void Validate_DoctorWithLicense_Passes() =>
        validator.TestValidate(Valid() with { AccountType = AccountType.Doctor, LicenseNumber = "MCI-1", Specialty = "Cardiology" })
            .ShouldNotHaveAnyValidationErrors();
}
