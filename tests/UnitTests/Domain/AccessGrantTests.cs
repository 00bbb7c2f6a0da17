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
        grant.Invoking(g => g.Revoke(Now.AddMinutes(2))).Should().Throw<DomainRuleException>();
    }

    [Fact]
    public void Create_EndBeforeStart_Throws() =>
        FluentActions.Invoking(() => AccessGrant.Create(Guid.NewGuid(), Guid.NewGuid(), Now, Now.AddSeconds(-1)))
            .Should().Throw<DomainRuleException>();

    [Fact]
    public void Create_ToOneself_Throws()
    {
        var id = Guid.NewGuid();

        FluentActions.Invoking(() => AccessGrant.Create(id, id, Now, null)).Should().Throw<DomainRuleException>();
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
}
