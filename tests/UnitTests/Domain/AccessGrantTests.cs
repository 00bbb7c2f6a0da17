using MediVault.Domain.Common;
using MediVault.Domain.Sharing;

namespace MediVault.UnitTests.Domain;

public sealed class AccessGrantTests
{
    private static readonly DateTime Now = new(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void IsActiveAt_BeforeEnd_True_AfterEnd_False()
    {
        var grant = AccessGrant.Create(Guid.NewGuid(), Guid.NewGuid(), Now, Now.AddDays(1));

        grant.IsActiveAt(Now.AddHours(23)).Should().BeTrue();
        grant.IsActiveAt(Now.AddDays(1)).Should().BeFalse();
    }

    [Fact]
    public void Revoke_EndsTheGrantAtOnce()
    {
        var grant = AccessGrant.Create(Guid.NewGuid(), Guid.NewGuid(), Now, null);

        grant.Revoke(Now.AddMinutes(1));

        grant.IsActiveAt(Now.AddMinutes(1)).Should().BeFalse();
        grant.Invoking(g => g.Revoke(Now.AddMinutes(2))).Should().Throw<DomainRuleException>().WithMessage("The grant is already revoked.");
    }

    [Fact]
    public void Create_EndBeforeStart_Throws() =>
        FluentActions.Invoking(() => AccessGrant.Create(Guid.NewGuid(), Guid.NewGuid(), Now, Now.AddSeconds(-1)))
            .Should().Throw<DomainRuleException>();

    [Fact]
    public void Create_ToOneself_Throws()
    {
        var id = Guid.NewGuid();

        FluentActions.Invoking(() => AccessGrant.Create(id, id, Now, null)).Should().Throw<DomainRuleException>()
            .WithMessage("A patient cannot grant access to themselves.");
    }

    [Fact]
    public void PayloadHash_MatchesTheDocumentedExample()
    {
        var grant = AccessGrant.Create(
            Guid.Parse("0192a0c0-0000-7000-8000-000000000002"), Guid.Parse("0192a0c0-0000-7000-8000-000000000003"), Now, null);
        typeof(AccessGrant).GetProperty(nameof(AccessGrant.Id))!.SetValue(grant, Guid.Parse("0192a0c0-0000-7000-8000-000000000001"));

        grant.PayloadHash().Should().Be("d0919d904d3d986e2e6915e066b2d1c0c1db8afb37f5f5955981138ef03e2c8e");
    }

    [Fact]
    public void PayloadHash_ChangesWhenRevoked()
    {
        var grant = AccessGrant.Create(Guid.NewGuid(), Guid.NewGuid(), Now, null);
        var granted = grant.PayloadHash();

        grant.Revoke(Now.AddHours(1));

        grant.PayloadHash().Should().NotBe(granted).And.MatchRegex("^[0-9a-f]{64}$");
    }

    [Fact]
    public void Create_EndingAtTheGrantInstant_Throws() =>
        FluentActions.Invoking(() => AccessGrant.Create(Guid.NewGuid(), Guid.NewGuid(), Now, Now))
            .Should().Throw<DomainRuleException>().WithMessage("A grant cannot end before it starts.");

    [Fact]
    public void Create_KeepsWhatItIsGiven()
    {
        var patient = Guid.NewGuid();
        var doctor = Guid.NewGuid();

        var grant = AccessGrant.Create(patient, doctor, Now, Now.AddTicks(1));

        grant.Should().BeEquivalentTo(new { PatientId = patient, DoctorId = doctor, GrantedAt = Now, ExpiresAt = Now.AddTicks(1), RevokedAt = (DateTime?)null });
        grant.Id.Should().NotBeEmpty();
    }

    [Fact]
    public void IsActiveAt_WithoutAnEnd_StaysActiveUntilRevoked() =>
        AccessGrant.Create(Guid.NewGuid(), Guid.NewGuid(), Now, null).IsActiveAt(Now.AddYears(10)).Should().BeTrue();

    [Fact]
    public void IsActiveAt_TheTickBeforeTheEnd_True() =>
        AccessGrant.Create(Guid.NewGuid(), Guid.NewGuid(), Now, Now.AddDays(1)).IsActiveAt(Now.AddDays(1).AddTicks(-1)).Should().BeTrue();

    [Fact]
    public void ExtendTo_AnActiveGrant_MovesOrRemovesItsEnd()
    {
        var grant = AccessGrant.Create(Guid.NewGuid(), Guid.NewGuid(), Now, Now.AddDays(1));

        grant.ExtendTo(Now.AddDays(7), Now.AddHours(1));
        grant.ExpiresAt.Should().Be(Now.AddDays(7));
        grant.IsActiveAt(Now.AddDays(6)).Should().BeTrue();

        grant.ExtendTo(null, Now.AddHours(2));
        grant.ExpiresAt.Should().BeNull();
    }

    [Fact]
    public void ExtendTo_EndAtNowOrBefore_Throws()
    {
        var grant = AccessGrant.Create(Guid.NewGuid(), Guid.NewGuid(), Now, null);

        grant.Invoking(g => g.ExtendTo(Now.AddHours(1), Now.AddHours(1))).Should().Throw<DomainRuleException>().WithMessage("A grant cannot end in the past.");
        grant.ExpiresAt.Should().BeNull();
        grant.ExtendTo(Now.AddHours(1).AddTicks(1), Now.AddHours(1));
        grant.ExpiresAt.Should().Be(Now.AddHours(1).AddTicks(1));
    }

    [Fact]
    public void ExtendTo_ARevokedOrExpiredGrant_Throws()
    {
        var revoked = AccessGrant.Create(Guid.NewGuid(), Guid.NewGuid(), Now, null);
        revoked.Revoke(Now.AddMinutes(1));
        var expired = AccessGrant.Create(Guid.NewGuid(), Guid.NewGuid(), Now, Now.AddDays(1));

        revoked.Invoking(g => g.ExtendTo(null, Now.AddMinutes(2))).Should().Throw<DomainRuleException>().WithMessage("Only an active grant can be changed.");
        expired.Invoking(g => g.ExtendTo(null, Now.AddDays(1))).Should().Throw<DomainRuleException>().WithMessage("Only an active grant can be changed.");
        expired.ExpiresAt.Should().Be(Now.AddDays(1));
    }

    [Fact]
    public void PayloadHash_CarriesTheEndDate()
    {
        var grant = AccessGrant.Create(Guid.NewGuid(), Guid.NewGuid(), Now, null);
        var open = grant.PayloadHash();

        grant.ExtendTo(Now.AddDays(1), Now);

        grant.PayloadHash().Should().NotBe(open);
    }
}
