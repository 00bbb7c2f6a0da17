using MediVault.Application.Emergency.AccessEmergencyProfile;

namespace MediVault.UnitTests.Application.Emergency;

public sealed class AccessEmergencyProfileValidatorTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Validate_NoToken_IsRequired(string? token) =>
        new AccessEmergencyProfileValidator().Validate(new AccessEmergencyProfile(token!)).Errors.Select(e => (e.PropertyName, e.ErrorMessage))
            .Should().Equal(("Token", "token is required."));

    [Fact]
    public void Validate_AnyToken_IsLeftToTheHandler() =>
        new AccessEmergencyProfileValidator().Validate(new AccessEmergencyProfile("not a token")).IsValid.Should().BeTrue();
}
