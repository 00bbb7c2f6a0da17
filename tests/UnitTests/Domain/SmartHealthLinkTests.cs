using MediVault.Domain.Common;
using MediVault.Domain.Sharing;

namespace MediVault.UnitTests.Domain;

public sealed class SmartHealthLinkTests
{
    private static readonly DateTime Now = new(2026, 12, 3, 8, 0, 0, DateTimeKind.Utc);
    private static readonly string Hash = new('a', 64);

    private static SmartHealthLink Link(ShlOptions flags, string? passcodeHash = null, int? maxAttempts = null, byte[]? wrapped = null) =>
        SmartHealthLink.Create(Guid.NewGuid(), Guid.NewGuid(), Hash, "label", flags, Now, Now.AddHours(1), passcodeHash, maxAttempts, wrapped);

    [Theory]
    [InlineData(ShlOptions.None, "")]
    [InlineData(ShlOptions.LongTerm, "L")]
    [InlineData(ShlOptions.Passcode | ShlOptions.LongTerm, "LP")]
    [InlineData(ShlOptions.DirectFile | ShlOptions.LongTerm, "LU")]
    [InlineData(ShlOptions.DirectFile, "U")]
    public void FlagLetters_AreAlphabetical(ShlOptions flags, string letters)
    {
        flags.ToLetters().Should().Be(letters);
    }

    [Fact]
    public void Create_DirectFileWithPasscode_IsRefused()
    {
        var create = () => Link(ShlOptions.DirectFile | ShlOptions.Passcode, "hash", 5);

        create.Should().Throw<DomainRuleException>();
    }

    [Fact]
    public void Create_PasscodeFlagWithoutPasscode_IsRefused()
    {
        var create = () => Link(ShlOptions.Passcode);

        create.Should().Throw<DomainRuleException>();
    }

    [Fact]
    public void Include_SecondEntryOfADirectFileLink_IsRefused()
    {
        var link = Link(ShlOptions.DirectFile);
        link.Include(SmartHealthLinkEntry.SummaryId, "application/fhir+json", Now, "jwe");

        var second = () => link.Include(Guid.NewGuid(), "application/fhir+json", Now, "jwe");

        second.Should().Throw<DomainRuleException>();
    }

    [Fact]
    public void Include_LongTermLinkWithCiphertext_IsRefused()
    {
        var link = Link(ShlOptions.LongTerm, wrapped: [1, 2, 3]);

        var include = () => link.Include(SmartHealthLinkEntry.SummaryId, "application/fhir+json", Now, "jwe");

        include.Should().Throw<DomainRuleException>();
    }

    [Fact]
    public void Status_FollowsRevocationExpiryAndLocking()
    {
        var link = Link(ShlOptions.Passcode, "hash", 1);

        link.StatusAt(Now).Should().Be(ShlStatus.Active);
        link.StatusAt(Now.AddHours(2)).Should().Be(ShlStatus.Expired);
        link.RemainingAttempts.Should().Be(1);
        link.Revoke(Now);
        link.StatusAt(Now).Should().Be(ShlStatus.Revoked);
    }

    [Fact]
    public void ActiveAt_AgreesWithStatus()
    {
        var link = Link(ShlOptions.None);
        var active = SmartHealthLink.ActiveAt(Now).Compile();

        active(link).Should().BeTrue();
        SmartHealthLink.ActiveAt(Now.AddHours(2)).Compile()(link).Should().BeFalse();
    }
}
