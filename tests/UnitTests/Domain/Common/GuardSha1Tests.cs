using MediVault.Domain.Common;

namespace MediVault.UnitTests.Domain.Common;

/// <summary><see cref="Guard.Sha1Hex"/>: exactly 40 lower-case hex digits, nothing else (a Domain mutation run found it untested).</summary>
public sealed class GuardSha1Tests
{
    private const string Valid = "da39a3ee5e6b4b0d3255bfef95601890afd80709";

    [Fact]
    public void FortyLowerCaseHexDigits_AreReturnedAsTheyAre() => Guard.Sha1Hex(Valid, "sha1").Should().Be(Valid);

    [Theory]
    [InlineData(null)]
    [InlineData("da39a3ee5e6b4b0d3255bfef95601890afd8070")] // 39
    [InlineData("da39a3ee5e6b4b0d3255bfef95601890afd807090")] // 41
    [InlineData("DA39A3EE5E6B4B0D3255BFEF95601890AFD80709")] // upper case
    [InlineData("ga39a3ee5e6b4b0d3255bfef95601890afd80709")] // a letter past f
    [InlineData("da39a3ee5e6b4b0d3255bfef95601890afd8070/")] // the character before '0'
    [InlineData("da39a3ee5e6b4b0d3255bfef95601890afd8070:")] // the character after '9'
    [InlineData("da39a3ee5e6b4b0d3255bfef95601890afd8070`")] // the character before 'a'
    public void AnythingElse_IsARuleViolationNamingTheField(string? value) =>
        FluentActions.Invoking(() => Guard.Sha1Hex(value, "sha1")).Should().Throw<DomainRuleException>().WithMessage("sha1 must be a lower-case hex SHA-1.");
}
