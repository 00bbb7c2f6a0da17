using MediVault.Domain.Common;

namespace MediVault.UnitTests.Domain.Common;

public sealed class UserTextTests
{
    [Theory]
    [InlineData("Asha\u202E Verma", "Asha Verma")]
    [InlineData("\u2066Ravi\u2069 \u200EVerma\u200F\u061C", "Ravi Verma")]
    [InlineData("\u202A\u202B\u202C\u202D", "")]
    [InlineData("Zoë 李 مرحبا", "Zoë 李 مرحبا")]
    public void WithoutBidiControls_RemovesOnlyTheBidiControls(string text, string kept) =>
        UserText.WithoutBidiControls(text).Should().Be(kept);

    [Fact]
    public void WithoutBidiControls_Null_IsNull() =>
        UserText.WithoutBidiControls(null).Should().BeNull();

    [Theory]
    [InlineData('\u200B')] // zero-width space: not a bidi control
    [InlineData('\u2065')]
    [InlineData('\u206A')]
    [InlineData('\u2029')]
    public void IsBidiControl_Neighbours_AreNot(char c) => UserText.IsBidiControl(c).Should().BeFalse();
}
