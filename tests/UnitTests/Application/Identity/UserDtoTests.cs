using MediVault.Application.Identity;
using MediVault.Domain.Identity;

namespace MediVault.UnitTests.Application.Identity;

/// <summary>The rule behind the two-factor set-up gate: only a doctor without two-factor sign-in is held to setting it up.</summary>
public class UserDtoTests
{
    [Theory]
    [InlineData(AccountType.Doctor, false, true)]
    [InlineData(AccountType.Doctor, true, false)]
    [InlineData(AccountType.Patient, false, false)]
    [InlineData(AccountType.Patient, true, false)]
    public void MustSetUpTwoFactor_OnlyForADoctorWithoutIt(AccountType type, bool twoFactorEnabled, bool mustSetUp)
    {
        var user = new UserDto(Guid.CreateVersion7(), "someone@example.com", "Some One", type, DateTime.UnixEpoch, null, null, twoFactorEnabled);

        user.MustSetUpTwoFactor.Should().Be(mustSetUp);
    }
}
