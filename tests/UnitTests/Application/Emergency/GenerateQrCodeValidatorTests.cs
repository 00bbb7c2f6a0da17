using MediVault.Application.Emergency.GenerateQrCode;

namespace MediVault.UnitTests.Application.Emergency;

public sealed class GenerateQrCodeValidatorTests
{
    private readonly GenerateQrCodeValidator validator = new();

    private IEnumerable<string> FieldsInError(GenerateQrCode command) =>
        validator.Validate(command).Errors.Select(e => e.PropertyName).Distinct();

    [Theory]
    [InlineData(null, null, null)]
    [InlineData(5, "wallet card", 1)]
    [InlineData(43_200, null, 10_000)]
    public void Validate_WithinLimits_Passes(int? minutes, string? label, int? maxUses) =>
        FieldsInError(new GenerateQrCode(minutes, label, maxUses)).Should().BeEmpty();

    [Theory]
    [InlineData(4)]
    [InlineData(43_201)]
    [InlineData(0)]
    [InlineData(-1440)]
    public void Validate_ExpiryOutOfRange_NamesExpiresInMinutes(int minutes) =>
        FieldsInError(new GenerateQrCode(minutes, null, null)).Should().Equal("ExpiresInMinutes");

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(10_001)]
    public void Validate_MaxUsesOutOfRange_NamesMaxUses(int maxUses) =>
        FieldsInError(new GenerateQrCode(null, null, maxUses)).Should().Equal("MaxUses");

    [Theory]
    [InlineData(101)]
    public void Validate_LongLabel_NamesLabel(int length) =>
        FieldsInError(new GenerateQrCode(null, new string('x', length), null)).Should().Equal("Label");

    [Fact]
    public void Validate_LabelWithControlCharacter_NamesLabel() =>
        FieldsInError(new GenerateQrCode(null, "wallet\ncard", null)).Should().Equal("Label");
}
