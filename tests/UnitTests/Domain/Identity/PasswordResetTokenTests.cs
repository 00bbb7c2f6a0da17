using MediVault.Domain.Common;
using MediVault.Domain.Identity;

namespace MediVault.UnitTests.Domain.Identity;

/// <summary>A reset link's rules: what it keeps, its lifetime to the tick, and single use.</summary>
public sealed class PasswordResetTokenTests
{
    private static readonly DateTime Created = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);
    private static readonly string Hash = new('a', 64);

    private static PasswordResetToken Issue() => PasswordResetToken.Issue(Guid.CreateVersion7(), Hash, Created);

    [Fact]
    public void Issue_KeepsTheUserTheHashAndTheTimes()
    {
        var user = Guid.CreateVersion7();

        var token = PasswordResetToken.Issue(user, Hash, Created);

        token.Should().BeEquivalentTo(new { UserId = user, TokenHash = Hash, CreatedAt = Created, ExpiresAt = Created.AddMinutes(30), UsedAt = (DateTime?)null });
        token.Id.Should().NotBe(Guid.Empty);
        PasswordResetToken.Lifetime.Should().Be(TimeSpan.FromMinutes(30));
    }

    [Fact]
    public void Issue_RefusesAnEmptyUserABadHashOrALocalTime()
    {
        FluentActions.Invoking(() => PasswordResetToken.Issue(Guid.Empty, Hash, Created)).Should().Throw<DomainRuleException>();
        FluentActions.Invoking(() => PasswordResetToken.Issue(Guid.CreateVersion7(), "not-hex", Created)).Should().Throw<DomainRuleException>();
        FluentActions.Invoking(() => PasswordResetToken.Issue(Guid.CreateVersion7(), Hash, DateTime.SpecifyKind(Created, DateTimeKind.Local)))
            .Should().Throw<DomainRuleException>();
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(-1, true)]
    [InlineData(1, false)]
    public void IsUsableAt_UntilTheTickBeforeItExpires(long ticksFromLastUsableTick, bool usable)
    {
        var token = Issue();

        token.IsUsableAt(token.ExpiresAt.AddTicks(-1 + ticksFromLastUsableTick)).Should().Be(usable);
    }

    [Fact]
    public void Spend_EndsIt_AndASecondSpendIsRefused()
    {
        var token = Issue();

        token.Spend(Created.AddMinutes(1));

        token.UsedAt.Should().Be(Created.AddMinutes(1));
        token.IsUsableAt(Created.AddMinutes(2)).Should().BeFalse();
        FluentActions.Invoking(() => token.Spend(Created.AddMinutes(2))).Should().Throw<DomainRuleException>().WithMessage("The reset link has already been used.");
        token.UsedAt.Should().Be(Created.AddMinutes(1));
    }
}
