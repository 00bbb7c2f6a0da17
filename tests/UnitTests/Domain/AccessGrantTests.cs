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
}
