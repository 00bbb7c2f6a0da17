using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using MediVault.Infrastructure.Identity.SharedState;
using MediVault.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Infrastructure.Identity;

/// <summary>
/// The second step of a sign-in with two-factor on: after the right password, the caller gets an opaque challenge
/// (256 random bits) that stands for "this account, password checked" for <see cref="Lifetime"/>, and trades it with a
/// code for the tokens. Kept in the database by its SHA-256 only, so any instance behind the load balancer takes the
/// second step (issue 13); it works once: spending it is one <c>DELETE</c>, which only one request can win.
/// </summary>
public sealed class TwoFactorChallenges(AppDbContext db, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public async Task<string> IssueAsync(Guid userId, CancellationToken cancellationToken)
    {
        var challenge = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var expires = now + (long)Lifetime.TotalSeconds;
        var hash = Hash(challenge);
        // Expired challenges go with the next one issued: the table holds only the last five minutes' sign-ins.
        await db.Database.ExecuteSqlAsync($"""DELETE FROM "TwoFactorChallenges" WHERE "ExpiresAtUnixSeconds" < {now}""", cancellationToken);
        await db.Database.ExecuteSqlAsync(
            $"""INSERT INTO "TwoFactorChallenges" ("ChallengeHash", "UserId", "ExpiresAtUnixSeconds") VALUES ({hash}, {userId}, {expires})""",
            cancellationToken);
        return challenge;
    }

    /// <summary>The account a live challenge stands for, or null for an unknown, expired or spent one.</summary>
    public async Task<Guid?> PeekAsync(string? challenge, CancellationToken cancellationToken)
    {
        if (challenge is not { Length: > 0 and < 100 })
            return null;
        var hash = Hash(challenge);
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var row = await db.Set<TwoFactorChallengeRow>().AsNoTracking()
            .Where(c => c.ChallengeHash == hash && c.ExpiresAtUnixSeconds > now)
            .Select(c => new { c.UserId })
            .SingleOrDefaultAsync(cancellationToken);
        return row?.UserId;
    }

    /// <summary>Spends the challenge after a right code. False when another request spent it first: that one signs in, not this one.</summary>
    public async Task<bool> SpendAsync(string challenge, CancellationToken cancellationToken)
    {
        var hash = Hash(challenge);
        return await db.Database.ExecuteSqlAsync($"""DELETE FROM "TwoFactorChallenges" WHERE "ChallengeHash" = {hash}""", cancellationToken) == 1;
    }

    private static string Hash(string challenge) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(challenge)));
}
