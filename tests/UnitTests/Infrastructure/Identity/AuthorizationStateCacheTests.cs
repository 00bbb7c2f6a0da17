using System.Security.Claims;
using MediVault.Infrastructure.Identity;
using Microsoft.Extensions.Time.Testing;
using OpenIddict.Abstractions;

namespace MediVault.UnitTests.Infrastructure.Identity;

public sealed class AuthorizationStateCacheTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 3, 4, 0, 0, TimeSpan.Zero));
    private readonly AuthorizationStateCache cache;

    public AuthorizationStateCacheTests() => cache = new AuthorizationStateCache(clock);

    private ClaimsPrincipal Principal(string tokenId, string sessionId, string subject, TimeSpan? expiresIn = null)
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity("test"));
        principal.SetClaim(OpenIddictConstants.Claims.Subject, subject)
            .SetTokenId(tokenId)
            .SetAuthorizationId(sessionId)
            .SetExpirationDate(clock.GetUtcNow() + (expiresIn ?? TimeSpan.FromHours(1)));
        return principal;
    }

    private void Remember(string token, ClaimsPrincipal principal) => cache.RememberToken(token, principal, cache.Version);

    [Fact]
    public void RememberedToken_IsFound_OtherTokensAreNot()
    {
        var principal = Principal("t1", "s1", "u1");
        Remember("token-one", principal);

        cache.FindToken("token-one").Should().BeSameAs(principal);
        cache.FindToken("token-two").Should().BeNull();
    }

    [Fact]
    public void SessionChanged_ForgetsEveryTokenOfThatSession_Only()
    {
        Remember("a", Principal("t1", "s1", "u1"));
        Remember("b", Principal("t2", "s1", "u1"));
        Remember("c", Principal("t3", "s2", "u1"));

        cache.SessionChanged("s1");

        cache.FindToken("a").Should().BeNull();
        cache.FindToken("b").Should().BeNull();
        cache.FindToken("c").Should().NotBeNull();
    }

    [Fact]
    public void TokenChanged_ForgetsThatToken_Only()
    {
        Remember("a", Principal("t1", "s1", "u1"));
        Remember("b", Principal("t2", "s1", "u1"));

        cache.TokenChanged("t1");

        cache.FindToken("a").Should().BeNull();
        cache.FindToken("b").Should().NotBeNull();
    }

    [Fact]
    public void SubjectChanged_ForgetsTheUsersTokensAndSessions_Only()
    {
        Remember("a", Principal("t1", "s1", "u1"));
        Remember("b", Principal("t2", "s2", "u2"));
        cache.RememberActiveSession("s1", "u1", cache.Version);
        cache.RememberActiveSession("s2", "u2", cache.Version);

        cache.SubjectChanged("u1");

        cache.FindToken("a").Should().BeNull();
        cache.IsKnownActiveSession("s1").Should().BeFalse();
        cache.FindToken("b").Should().NotBeNull();
        cache.IsKnownActiveSession("s2").Should().BeTrue();
    }

    [Fact]
    public void Clear_ForgetsEverything()
    {
        Remember("a", Principal("t1", "s1", "u1"));
        cache.RememberActiveSession("s1", "u1", cache.Version);

        cache.Clear();

        cache.FindToken("a").Should().BeNull();
        cache.IsKnownActiveSession("s1").Should().BeFalse();
    }

    [Fact]
    public void ARevocationDuringTheFullCheck_KeepsTheStaleAnswerOut()
    {
        var versionBeforeCheck = cache.Version;
        cache.SessionChanged("s1");

        cache.RememberToken("a", Principal("t1", "s1", "u1"), versionBeforeCheck);
        cache.RememberActiveSession("s1", "u1", versionBeforeCheck);

        cache.FindToken("a").Should().BeNull();
        cache.IsKnownActiveSession("s1").Should().BeFalse();
    }

    [Fact]
    public void Entries_LiveAtMostTheLifetime()
    {
        Remember("a", Principal("t1", "s1", "u1"));
        cache.RememberActiveSession("s1", "u1", cache.Version);

        clock.Advance(AuthorizationStateCache.Lifetime - TimeSpan.FromSeconds(1));
        cache.FindToken("a").Should().NotBeNull();
        cache.IsKnownActiveSession("s1").Should().BeTrue();
        clock.Advance(TimeSpan.FromSeconds(1));

        cache.FindToken("a").Should().BeNull();
        cache.IsKnownActiveSession("s1").Should().BeFalse();
    }

    [Fact]
    public void Entries_NeverOutliveTheirToken()
    {
        Remember("a", Principal("t1", "s1", "u1", expiresIn: TimeSpan.FromSeconds(5)));

        clock.Advance(TimeSpan.FromSeconds(5));

        cache.FindToken("a").Should().BeNull();
    }

    [Fact]
    public void ExpiredToken_IsNotRemembered()
    {
        Remember("a", Principal("t1", "s1", "u1", expiresIn: TimeSpan.FromSeconds(-1)));

        cache.Count.Should().Be(0);
    }
}
