using System.Security.Claims;
using MediVault.Infrastructure;
using MediVault.Infrastructure.Identity;
using MediVault.Infrastructure.Identity.SharedState;
using MediVault.Infrastructure.Persistence;
using MediVault.UnitTests.TestSupport;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Time.Testing;
using OpenIddict.Abstractions;

namespace MediVault.UnitTests.Infrastructure.Identity;

/// <summary>
/// Two instances on one SQLite file, each with its own cache of checked tokens and its own feed (decisions §97, §118):
/// what one revokes, the other forgets at its next catch-up, and on SQLite that catch-up is the caller's own read,
/// finished when the call returns (no wait for another thread).
/// </summary>
public sealed class RevocationFeedTests : IAsyncLifetime
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 3, 13, 0, 0, TimeSpan.Zero));
    private SqliteTestDatabase database = null!;

    public async Task InitializeAsync() => database = await SqliteTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await database.DisposeAsync();

    /// <summary>What one app instance keeps in memory: its checked tokens, its profile cache, its feed.</summary>
    private sealed class Instance : IDisposable
    {
        private readonly MemoryCache profiles = new(new MemoryCacheOptions());
        private readonly SqliteDatabase engine;

        public Instance(TimeProvider clock, string databasePath)
        {
            engine = new SqliteDatabase(DependencyInjection.ConnectionString(databasePath));
            Tokens = new AuthorizationStateCache(clock);
            Feed = new RevocationFeed(Tokens, profiles, engine);
        }

        public AuthorizationStateCache Tokens { get; }
        public RevocationFeed Feed { get; }

        public void Dispose()
        {
            profiles.Dispose();
            engine.Dispose();
        }
    }

    private Instance NewInstance() => new(clock, database.Path);

    private ClaimsPrincipal Principal(string tokenId, string sessionId)
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity("test"));
        principal.SetClaim(OpenIddictConstants.Claims.Subject, "user-1")
            .SetTokenId(tokenId)
            .SetAuthorizationId(sessionId)
            .SetExpirationDate(clock.GetUtcNow() + TimeSpan.FromHours(1));
        return principal;
    }

    private static async Task CatchUpOnThisThread(RevocationFeed feed)
    {
        var catchUp = feed.CatchUpAsync(CancellationToken.None);
        catchUp.IsCompleted.Should().BeTrue("on SQLite the request reads the clock itself, on its own thread");
        await catchUp;
    }

    [Fact]
    public async Task SessionRevokedOnA_IsForgottenOnB_AtItsNextCatchUp()
    {
        using var a = NewInstance();
        using var b = NewInstance();
        await CatchUpOnThisThread(b.Feed);
        b.Tokens.RememberToken("token-1", Principal("t1", "s1"), b.Tokens.Version);
        b.Tokens.RememberToken("token-2", Principal("t2", "s2"), b.Tokens.Version);

        await using (var db = database.NewContext())
            await new SharedRevocations(db, a.Feed, clock).SessionChangedAsync("s1", CancellationToken.None);
        b.Tokens.FindToken("token-1").Should().NotBeNull("B has not read the clock since");

        await CatchUpOnThisThread(b.Feed);

        b.Tokens.FindToken("token-1").Should().BeNull("the session was revoked on A");
        b.Tokens.FindToken("token-2").Should().NotBeNull("only what the signal names is forgotten");
        b.Feed.Seen.Should().Be(1, "the clock moved once");
    }

    [Fact]
    public async Task EveryCatchUp_ReadsTheClockAfresh_NothingNewKeepsTheCache()
    {
        using var b = NewInstance();
        await CatchUpOnThisThread(b.Feed);
        b.Tokens.RememberToken("token-1", Principal("t1", "s1"), b.Tokens.Version);
        var reads = b.Feed.Reads;

        await CatchUpOnThisThread(b.Feed);
        await CatchUpOnThisThread(b.Feed);

        b.Feed.Reads.Should().Be(reads + 2, "no read is shared or skipped: each caller's read starts after it called");
        b.Tokens.FindToken("token-1").Should().NotBeNull("nothing was revoked");
    }

    [Fact]
    public async Task FirstCatchUp_DropsWhatWasRememberedBefore()
    {
        using var b = NewInstance();
        b.Tokens.RememberToken("token-1", Principal("t1", "s1"), b.Tokens.Version);

        await CatchUpOnThisThread(b.Feed);

        b.Tokens.FindToken("token-1").Should().BeNull("an instance that never read the clock cannot know what was revoked");
        b.Feed.Seen.Should().Be(0);
    }
}
