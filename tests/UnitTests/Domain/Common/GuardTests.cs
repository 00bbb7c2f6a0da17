using MediVault.Domain.Common;

namespace MediVault.UnitTests.Domain.Common;

public sealed class GuardTests
{
    [Fact]
    public void NotEmpty_EmptyGuid_ThrowsNamingIt_AnyOtherIsReturned()
    {
        var id = Guid.NewGuid();

        Guard.NotEmpty(id, "id").Should().Be(id);
        FluentActions.Invoking(() => Guard.NotEmpty(Guid.Empty, "ownerId")).Should().Throw<DomainRuleException>().WithMessage("ownerId is required.");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \t\n")]
    public void NotBlank_Blank_ThrowsNamingIt(string? value) =>
        FluentActions.Invoking(() => Guard.NotBlank(value, "fileName")).Should().Throw<DomainRuleException>().WithMessage("fileName is required.");

    [Fact]
    public void NotBlank_Text_IsReturnedUnchanged() =>
        Guard.NotBlank(" a ", "x").Should().Be(" a ");

    [Theory]
    [InlineData(0, true)]
    [InlineData(5, true)]
    [InlineData(6, false)]
    public void MaxLength_UpToMaxIsReturned_OneMoreThrows(int length, bool accepted)
    {
        var value = new string('x', length);

        var act = () => Guard.MaxLength(value, 5, "label");

        if (accepted)
            act.Should().NotThrow().Which.Should().Be(value);
        else
            act.Should().Throw<DomainRuleException>().WithMessage("label is longer than 5 characters.");
    }

    [Fact]
    public void Utc_LocalTimeThrows_UtcAndUnspecifiedComeBackAsUtc()
    {
        var unspecified = new DateTime(2026, 11, 24, 10, 0, 0, DateTimeKind.Unspecified);

        Guard.Utc(unspecified, "at").Should().Be(unspecified).And.Subject!.Value.Kind.Should().Be(DateTimeKind.Utc);
        Guard.Utc(unspecified.ToUniversalTime(), "at").Kind.Should().Be(DateTimeKind.Utc);
        FluentActions.Invoking(() => Guard.Utc(new DateTime(2026, 11, 24, 10, 0, 0, DateTimeKind.Local), "at"))
            .Should().Throw<DomainRuleException>().WithMessage("at must be UTC.");
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true)]
    [InlineData("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", false)] // upper case
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde", false)] // 63
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0", false)] // 65
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg", false)] // g
    [InlineData("/123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", false)] // just below '0'
    [InlineData(":123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", false)] // just above '9'
    [InlineData("`123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", false)] // just below 'a'
    [InlineData(null, false)]
    public void Sha256Hex_OnlySixtyFourLowerCaseHexDigits(string? value, bool accepted)
    {
        var act = () => Guard.Sha256Hex(value, "hash");

        if (accepted)
            act.Should().NotThrow().Which.Should().Be(value);
        else
            act.Should().Throw<DomainRuleException>().WithMessage("hash must be a lower-case hex SHA-256.");
    }
}
