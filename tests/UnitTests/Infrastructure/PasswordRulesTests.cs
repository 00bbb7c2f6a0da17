using MediVault.Infrastructure.Identity;
using Microsoft.AspNetCore.Identity;

namespace MediVault.UnitTests.Infrastructure;

public sealed class PasswordRulesTests
{
    private readonly PasswordRules rules = new();

    [Fact]
    public void CommonPasswordList_HoldsAtLeastTenThousandEntries() =>
        PasswordRules.CommonPasswordCount.Should().BeGreaterThanOrEqualTo(10_000);

    [Theory]
    [InlineData("password123")]
    [InlineData("PASSWORD123")]
    [InlineData("qwertyuiop")]
    [InlineData("iloveyou")]
    public async Task Validate_CommonPassword_Fails(string password)
    {
        var result = await rules.ValidateAsync(null!, new ApplicationUser(), password);

        result.Succeeded.Should().BeFalse();
        result.Errors.Should().ContainSingle(e => e.Code == "PasswordTooCommon");
    }

    [Fact]
    public async Task Validate_LongerThan128_Fails()
    {
        var result = await rules.ValidateAsync(null!, new ApplicationUser(), new string('q', 129));

        result.Errors.Should().ContainSingle(e => e.Code == "PasswordTooLong");
    }

    [Fact]
    public async Task Validate_UncommonPassphrase_Passes()
    {
        var result = await rules.ValidateAsync(null!, new ApplicationUser(), "Correct-Horse-Battery-42");

        result.Should().Be(IdentityResult.Success);
    }
}
