using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;

namespace MediVault.Infrastructure.Identity;

/// <summary>
/// The second step of a sign-in with two-factor on: after the right password, the caller gets an opaque challenge
/// (256 random bits) that stands for "this account, password checked" for <see cref="Lifetime"/>, and trades it with a
/// code for the tokens. Held in memory by its SHA-256 only; it works once. A restart forgets it: sign in again.
/// </summary>
public sealed class TwoFactorChallenges(IMemoryCache cache, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public string Issue(Guid userId)
    {
        var challenge = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        cache.Set(new Key(Hash(challenge)), new Pending(userId, clock.GetUtcNow() + Lifetime), Lifetime);
        return challenge;
    }

    /// <summary>The account a live challenge stands for, or null for an unknown, expired or spent one.</summary>
    public Guid? Peek(string? challenge) =>
        challenge is { Length: > 0 and < 100 } && cache.TryGetValue(new Key(Hash(challenge)), out Pending? pending)
            && pending!.ExpiresAt > clock.GetUtcNow()
            ? pending.UserId
            : null;

    /// <summary>Spends the challenge after a right code, so it cannot be used again.</summary>
    public void Spend(string challenge) => cache.Remove(new Key(Hash(challenge)));

    private static string Hash(string challenge) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(challenge)));

    private readonly record struct Key(string Hash);

    private sealed record Pending(Guid UserId, DateTimeOffset ExpiresAt);
}
