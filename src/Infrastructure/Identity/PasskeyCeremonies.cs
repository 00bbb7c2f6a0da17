using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;

namespace MediVault.Infrastructure.Identity;

/// <summary>
/// The server's half of a passkey ceremony: Identity's state for it (which holds the challenge), behind an opaque id
/// (256 random bits) that the caller sends back with the browser's answer. Held in memory by the id's SHA-256 for
/// <see cref="Lifetime"/>, and taken exactly once: the first answer spends it, right or wrong, so an answer cannot be
/// replayed and a challenge cannot be tried twice. A restart forgets open ceremonies: the person starts again.
/// </summary>
public sealed class PasskeyCeremonies(IMemoryCache cache, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public string Issue(PasskeyCeremonyKind kind, Guid? userId, string state)
    {
        var ceremony = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        cache.Set(new Key(Hash(ceremony)), new Pending(kind, userId, state, clock.GetUtcNow() + Lifetime), Lifetime);
        return ceremony;
    }

    /// <summary>
    /// Spends the ceremony and answers its state, if it is live, of this kind and (for a registration) this user's;
    /// null otherwise. Of two racing callers only one gets the state.
    /// </summary>
    public string? Take(string? ceremony, PasskeyCeremonyKind kind, Guid? userId)
    {
        if (ceremony is not { Length: > 0 and <= 100 })
            return null;
        var key = new Key(Hash(ceremony));
        if (!cache.TryGetValue(key, out Pending? pending) || pending is null)
            return null;
        if (pending.Kind != kind || pending.UserId != userId)
            return null; // not spent: a wrong kind or user is not the ceremony's own answer
        if (Interlocked.Exchange(ref pending.Taken, 1) != 0)
            return null;
        cache.Remove(key);
        return pending.ExpiresAt > clock.GetUtcNow() ? pending.State : null;
    }

    private static string Hash(string ceremony) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ceremony)));

    private readonly record struct Key(string Hash);

    private sealed class Pending(PasskeyCeremonyKind kind, Guid? userId, string state, DateTimeOffset expiresAt)
    {
        public PasskeyCeremonyKind Kind { get; } = kind;
        public Guid? UserId { get; } = userId;
        public string State { get; } = state;
        public DateTimeOffset ExpiresAt { get; } = expiresAt;
        public int Taken; // a field, for Interlocked
    }
}

public enum PasskeyCeremonyKind
{
    Registration,
    SignIn,
}
