using MediVault.Domain.Common;
using MediVault.Domain.Emergency;

namespace MediVault.UnitTests.Domain.Emergency;

public sealed class QrAccessCodeTests
{
    private static readonly DateTime Created = new(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc);
    private static readonly string Hash = new('a', 64);

    private static QrAccessCode Code(int lifetimeMinutes = 60, int? maxUses = null) =>
        QrAccessCode.Create(Guid.CreateVersion7(), Hash, "wallet card", Created, Created.AddMinutes(lifetimeMinutes), maxUses);

    [Fact]
    public void StatusAt_BeforeExpiry_Active() =>
        Code().StatusAt(Created.AddMinutes(59)).Should().Be(QrCodeStatus.Active);

    [Fact]
    public void StatusAt_AtTheExpiryInstant_Expired() =>
        Code().StatusAt(Created.AddMinutes(60)).Should().Be(QrCodeStatus.Expired);

    [Fact]
    public void StatusAt_Revoked_RevokedEvenWhenAlsoExpired()
    {
        var code = Code();
        code.Revoke(Created.AddMinutes(1));

        code.StatusAt(Created.AddMinutes(2)).Should().Be(QrCodeStatus.Revoked);
        code.StatusAt(Created.AddDays(2)).Should().Be(QrCodeStatus.Revoked);
    }

    [Fact]
    public void StatusAt_NoUseLimit_StaysActiveUntilExpiry() =>
        Code(maxUses: null).StatusAt(Created.AddMinutes(30)).Should().Be(QrCodeStatus.Active);

    /// <summary>The use count as the database would hold it: only the claim in the access handler ever raises it.</summary>
    private static QrAccessCode Used(QrAccessCode code, int uses)
    {
        typeof(QrAccessCode).GetProperty(nameof(QrAccessCode.UseCount))!.SetValue(code, uses);
        return code;
    }

    [Theory]
    [InlineData(1, 0, QrCodeStatus.Active)]
    [InlineData(1, 1, QrCodeStatus.Exhausted)]
    [InlineData(3, 2, QrCodeStatus.Active)]
    [InlineData(3, 3, QrCodeStatus.Exhausted)]
    [InlineData(3, 4, QrCodeStatus.Exhausted)]
    public void StatusAt_UseLimit_ExhaustedFromMaxUsesOn(int maxUses, int uses, QrCodeStatus expected) =>
        Used(Code(maxUses: maxUses), uses).StatusAt(Created.AddMinutes(1)).Should().Be(expected);

    [Fact]
    public void StatusAt_UsedUpAndExpired_ReadsExhausted() =>
        Used(Code(maxUses: 2), 2).StatusAt(Created.AddDays(1)).Should().Be(QrCodeStatus.Exhausted);

    [Fact]
    public void StatusAt_NoUseLimit_ManyUsesStayActive() =>
        Used(Code(maxUses: null), 50_000).StatusAt(Created.AddMinutes(1)).Should().Be(QrCodeStatus.Active);

    [Theory]
    [InlineData(1)]
    [InlineData(QrAccessCode.MaxMaxUses)]
    public void Create_UseLimitOnTheBounds_Allowed(int maxUses) =>
        Code(maxUses: maxUses).MaxUses.Should().Be(maxUses);

    [Fact]
    public void Create_NewCode_HasNoUsesAndIsNotRevoked()
    {
        var code = Code(maxUses: 3);

        code.UseCount.Should().Be(0);
        code.RevokedAt.Should().BeNull();
        code.TokenHash.Should().Be(Hash);
        code.ExpiresAt.Should().Be(Created.AddMinutes(60));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(43_201)]
    [InlineData(0)]
    [InlineData(-5)]
    public void Create_LifetimeOutsideFiveMinutesToThirtyDays_Throws(int minutes)
    {
        var act = () => Code(lifetimeMinutes: minutes);

        act.Should().Throw<DomainRuleException>().WithMessage("A code lives between 5 and 43200 minutes.");
    }

    [Theory]
    [InlineData(5)]
    [InlineData(43_200)]
    public void Create_LifetimeOnTheBounds_Allowed(int minutes) =>
        Code(lifetimeMinutes: minutes).ExpiresAt.Should().Be(Created.AddMinutes(minutes));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(QrAccessCode.MaxMaxUses + 1)]
    public void Create_UseLimitOutOfRange_Throws(int maxUses)
    {
        var act = () => Code(maxUses: maxUses);

        act.Should().Throw<DomainRuleException>().WithMessage($"A code allows between 1 and {QrAccessCode.MaxMaxUses} uses.");
    }

    [Fact]
    public void Create_TokenInsteadOfHash_Throws()
    {
        var act = () => QrAccessCode.Create(Guid.CreateVersion7(), "w82Opd903Y0Wfto5iA1zTEXU1fS_MEUMiYz_ZVrWwHs", null, Created, Created.AddHours(1), null);

        act.Should().Throw<DomainRuleException>();
    }

    [Fact]
    public void Revoke_Twice_Throws()
    {
        var code = Code();
        code.Revoke(Created.AddMinutes(1));

        var act = () => code.Revoke(Created.AddMinutes(2));

        act.Should().Throw<DomainRuleException>().WithMessage("The code is already revoked.");
    }
}
