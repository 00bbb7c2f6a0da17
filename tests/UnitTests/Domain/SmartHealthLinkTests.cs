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

        create.Should().Throw<DomainRuleException>().WithMessage("The U flag cannot be combined with a passcode.");
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

        second.Should().Throw<DomainRuleException>().WithMessage("A U-flagged link shares exactly one file.");
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

    [Theory]
    [InlineData(5)]
    [InlineData(525_600)]
    public void Create_LifetimeAtEitherLimit_IsAccepted(int minutes)
    {
        var link = SmartHealthLink.Create(Guid.NewGuid(), Guid.NewGuid(), Hash, null, ShlOptions.None, Now, Now.AddMinutes(minutes), null, null, null);

        link.ExpiresAt.Should().Be(Now.AddMinutes(minutes));
    }

    [Theory]
    [InlineData(5 * 60 - 1)]
    [InlineData(525_600 * 60 + 1)]
    public void Create_LifetimeOneSecondOutsideTheLimits_IsRefusedNamingThem(int seconds)
    {
        var create = () => SmartHealthLink.Create(Guid.NewGuid(), Guid.NewGuid(), Hash, null, ShlOptions.None, Now, Now.AddSeconds(seconds), null, null, null);

        create.Should().Throw<DomainRuleException>().WithMessage("A link lives between 5 and 525600 minutes.");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    public void Create_PasscodeAttemptsAtEitherLimit_AreAccepted(int attempts) =>
        Link(ShlOptions.Passcode, "hash", attempts).RemainingAttempts.Should().Be(attempts);

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void Create_PasscodeAttemptsOutsideTheLimits_AreRefused(int attempts)
    {
        var create = () => Link(ShlOptions.Passcode, "hash", attempts);

        create.Should().Throw<DomainRuleException>().WithMessage("A passcode allows between 1 and 100 wrong attempts.");
    }

    [Fact]
    public void Create_PasscodeWithoutItsAttemptLimit_IsRefused()
    {
        var create = () => Link(ShlOptions.Passcode, "hash", null);

        create.Should().Throw<DomainRuleException>().WithMessage("A link has a passcode, its attempt limit and the P flag together*");
    }

    [Fact]
    public void Create_AttemptLimitWithoutAPasscode_IsRefused()
    {
        var create = () => Link(ShlOptions.None, null, 5);

        create.Should().Throw<DomainRuleException>().WithMessage("A link has a passcode, its attempt limit and the P flag together*");
    }

    [Fact]
    public void Create_LongTermWithoutItsWrappedKey_IsRefused()
    {
        var create = () => Link(ShlOptions.LongTerm);

        create.Should().Throw<DomainRuleException>().WithMessage("Long-term links, and only they, keep their wrapped key.");
    }

    [Fact]
    public void Create_WrappedKeyOnAOneTimeLink_IsRefused()
    {
        var create = () => Link(ShlOptions.None, wrapped: [1, 2, 3]);

        create.Should().Throw<DomainRuleException>().WithMessage("Long-term links, and only they, keep their wrapped key.");
    }

    [Fact]
    public void Create_KeepsWhatItIsGiven()
    {
        var id = Guid.NewGuid();
        var patient = Guid.NewGuid();

        var link = SmartHealthLink.Create(id, patient, Hash, "For Dr. Lee", ShlOptions.LongTerm | ShlOptions.Passcode, Now, Now.AddDays(1), "hash", 3, [9]);

        link.Should().BeEquivalentTo(new
        {
            Id = id,
            PatientId = patient,
            ManifestIdHash = Hash,
            Label = "For Dr. Lee",
            Flags = ShlOptions.LongTerm | ShlOptions.Passcode,
            CreatedAt = Now,
            ExpiresAt = Now.AddDays(1),
            RevokedAt = (DateTime?)null,
            PasscodeHash = "hash",
            MaxPasscodeAttempts = 3,
            FailedPasscodeAttempts = 0,
            WrappedKey = new byte[] { 9 },
            OpenCount = 0,
        });
    }

    [Fact]
    public void Include_OneTimeLinkWithoutCiphertext_IsRefused()
    {
        var link = Link(ShlOptions.None);

        var include = () => link.Include(SmartHealthLinkEntry.SummaryId, "application/fhir+json", Now, null);

        include.Should().Throw<DomainRuleException>().WithMessage("A long-term link encrypts at each request*");
    }

    [Fact]
    public void Include_TheSameEntryTwice_IsRefused()
    {
        var link = Link(ShlOptions.None);
        var file = Guid.NewGuid();
        link.Include(file, "application/fhir+json", Now, "jwe");

        var again = () => link.Include(file, "application/fhir+json", Now, "jwe");

        again.Should().Throw<DomainRuleException>().WithMessage("An entry is shared once.");
        link.Entries.Should().ContainSingle();
    }

    [Fact]
    public void Include_NumbersTheEntriesInOrderAndMarksTheSummary()
    {
        var link = Link(ShlOptions.LongTerm, wrapped: [1]);
        var file = Guid.NewGuid();

        link.Include(SmartHealthLinkEntry.SummaryId, "application/fhir+json", Now, null);
        link.Include(file, "application/pdf", Now.AddMinutes(-1), null);

        link.Entries.Select(e => (e.LinkId, e.EntryId, e.Ordinal, e.ContentType, e.IsSummary)).Should().Equal(
            (link.Id, SmartHealthLinkEntry.SummaryId, 0, "application/fhir+json", true),
            (link.Id, file, 1, "application/pdf", false));
    }

    [Fact]
    public void Include_OneFileOnADirectFileLink_IsAccepted()
    {
        var link = Link(ShlOptions.DirectFile);

        link.Include(Guid.NewGuid(), "application/pdf", Now, "jwe");

        link.Entries.Should().ContainSingle();
    }

    /// <summary>Wrong passcodes as the database would count them: only the open handler's update ever raises it.</summary>
    private static SmartHealthLink Failed(SmartHealthLink link, int attempts)
    {
        typeof(SmartHealthLink).GetProperty(nameof(SmartHealthLink.FailedPasscodeAttempts))!.SetValue(link, attempts);
        return link;
    }

    [Theory]
    [InlineData(3, 2, ShlStatus.Active, 1)]
    [InlineData(3, 3, ShlStatus.Locked, 0)]
    [InlineData(3, 4, ShlStatus.Locked, 0)]
    public void Status_WrongPasscodes_LockTheLinkFromTheLimitOn(int max, int failed, ShlStatus expected, int remaining)
    {
        var link = Failed(Link(ShlOptions.Passcode, "hash", max), failed);

        link.StatusAt(Now).Should().Be(expected);
        link.RemainingAttempts.Should().Be(remaining);
        SmartHealthLink.ActiveAt(Now).Compile()(link).Should().Be(expected == ShlStatus.Active);
    }

    [Fact]
    public void Status_LockedAndExpired_ReadsLocked() =>
        Failed(Link(ShlOptions.Passcode, "hash", 1), 1).StatusAt(Now.AddDays(1)).Should().Be(ShlStatus.Locked);

    [Fact]
    public void Status_AtTheExpiryInstant_IsExpiredAndNoLongerActive()
    {
        var link = Link(ShlOptions.None);

        link.StatusAt(Now.AddHours(1).AddTicks(-1)).Should().Be(ShlStatus.Active);
        link.StatusAt(Now.AddHours(1)).Should().Be(ShlStatus.Expired);
        SmartHealthLink.ActiveAt(Now.AddHours(1).AddTicks(-1)).Compile()(link).Should().BeTrue();
        SmartHealthLink.ActiveAt(Now.AddHours(1)).Compile()(link).Should().BeFalse();
    }

    [Fact]
    public void Revoke_Twice_IsRefusedAndKeepsTheFirstInstant()
    {
        var link = Link(ShlOptions.None);
        link.Revoke(Now);

        var again = () => link.Revoke(Now.AddMinutes(1));

        again.Should().Throw<DomainRuleException>().WithMessage("The link is already revoked.");
        link.RevokedAt.Should().Be(Now);
        SmartHealthLink.ActiveAt(Now).Compile()(link).Should().BeFalse();
    }

    [Fact]
    public void RemainingAttempts_WithoutAPasscode_IsNone() =>
        Link(ShlOptions.None).RemainingAttempts.Should().BeNull();
}
