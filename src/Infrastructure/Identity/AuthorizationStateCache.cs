using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using MediVault.Application.Common.Abstractions;
using OpenIddict.Abstractions;

namespace MediVault.Infrastructure.Identity;

/// <summary>
/// Access tokens and sessions already checked in full (decrypted, signature, expiry, token and session rows read), so
/// the next request with the same token costs a hash and two dictionary look-ups instead of RSA-OAEP, AES and two
/// database reads. An entry lives at most <see cref="Lifetime"/> and never past its token's expiry; every change to a
/// session or token (<see cref="IAuthorizationStateCache"/>, called by the OpenIddict stores after each write) removes
/// the entries it concerns before the next request, on this instance at once and on the others through
/// <see cref="SharedState.RevocationFeed"/>, which every request consults before it trusts an entry. Tokens are held by their SHA-256 only, never in clear.
/// </summary>
public sealed class AuthorizationStateCache(TimeProvider clock)
{
    /// <summary>
    /// How long a checked token or session is trusted without reading its rows again. Revocations remove entries at once,
    /// on every instance (<see cref="SharedState.RevocationFeed"/>); the lifetime bounds how long an entry lives at all
    /// (docs/decisions.md #20, #97).
    /// </summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    /// <summary>Beyond this many tokens the cache starts over rather than grow without bound.</summary>
    public const int MaxEntries = 50_000;

    private readonly ConcurrentDictionary<UInt128, CheckedToken> tokens = new();
    private readonly ConcurrentDictionary<string, CheckedSession> sessions = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private long version;

    /// <summary>
    /// Changes whenever something is forgotten. Read it before a full check and hand it to <see cref="RememberToken"/>:
    /// a revocation that lands while the check runs then keeps its stale answer out.
    /// </summary>
    public long Version => Interlocked.Read(ref version);

    public int Count => tokens.Count;

    /// <summary>The principal of an access token checked before and not changed since, or null.</summary>
    public ClaimsPrincipal? FindToken(ReadOnlySpan<char> accessToken)
    {
        var key = KeyOf(accessToken);
        if (!tokens.TryGetValue(key, out var entry))
            return null;
        if (entry.Until > clock.GetUtcNow())
            return entry.Principal;
        tokens.TryRemove(KeyValuePair.Create(key, entry));
        return null;
    }

    /// <summary>Remembers a token that has just passed the full check, unless something changed since <paramref name="versionBefore"/>.</summary>
    public void RememberToken(ReadOnlySpan<char> accessToken, ClaimsPrincipal principal, long versionBefore)
    {
        var until = Until(principal.GetExpirationDate());
        if (until is null)
            return;
        var entry = new CheckedToken(principal, principal.GetTokenId(), principal.GetAuthorizationId(), principal.GetClaim(OpenIddictConstants.Claims.Subject), until.Value);
        var key = KeyOf(accessToken);
        lock (gate)
        {
            if (version != versionBefore)
                return;
            if (tokens.Count >= MaxEntries)
                tokens.Clear();
            tokens[key] = entry;
        }
    }

    /// <summary>True when the session was found valid within <see cref="Lifetime"/> and has not changed since.</summary>
    public bool IsKnownActiveSession(string sessionId)
    {
        if (!sessions.TryGetValue(sessionId, out var entry))
            return false;
        if (entry.Until > clock.GetUtcNow())
            return true;
        sessions.TryRemove(KeyValuePair.Create(sessionId, entry));
        return false;
    }

    /// <summary>Remembers a session just read as valid, unless something changed since <paramref name="versionBefore"/>.</summary>
    public void RememberActiveSession(string sessionId, string? subject, long versionBefore)
    {
        var until = clock.GetUtcNow() + Lifetime;
        lock (gate)
        {
            if (version != versionBefore)
                return;
            if (sessions.Count >= MaxEntries)
                sessions.Clear();
            sessions[sessionId] = new CheckedSession(subject, until);
        }
    }

    public void SessionChanged(string sessionId) =>
        Forget(sessionId, static (token, id) => token.SessionId == id, static (id, _, sessionId) => id == sessionId);

    public void TokenChanged(string tokenId) =>
        Forget(tokenId, static (token, id) => token.TokenId == id, static (_, _, _) => false);

    public void SubjectChanged(string subject) =>
        Forget(subject, static (token, s) => token.Subject == s, static (_, session, s) => session.Subject == s);

    public void Clear()
    {
        lock (gate)
        {
            version++;
            tokens.Clear();
            sessions.Clear();
        }
    }

    private void Forget(string value, Func<CheckedToken, string, bool> tokenMatches, Func<string, CheckedSession, string, bool> sessionMatches)
    {
        lock (gate)
        {
            version++;
            foreach (var (key, token) in tokens)
            {
                if (tokenMatches(token, value))
                    tokens.TryRemove(key, out _);
            }
            foreach (var (id, session) in sessions)
            {
                if (sessionMatches(id, session, value))
                    sessions.TryRemove(id, out _);
            }
        }
    }

    private DateTimeOffset? Until(DateTimeOffset? expires)
    {
        var now = clock.GetUtcNow();
        var until = now + Lifetime;
        if (expires is { } e && e < until)
            until = e;
        return until > now ? until : null;
    }

    /// <summary>The first 128 bits of the token's SHA-256: the token itself is never kept.</summary>
    private static UInt128 KeyOf(ReadOnlySpan<char> accessToken)
    {
        var length = Encoding.UTF8.GetMaxByteCount(accessToken.Length);
        byte[]? rented = null;
        var buffer = length <= 8192 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = Encoding.UTF8.GetBytes(accessToken, buffer);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer[..written], hash);
            return System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(hash);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private sealed record CheckedToken(ClaimsPrincipal Principal, string? TokenId, string? SessionId, string? Subject, DateTimeOffset Until);

    private sealed record CheckedSession(string? Subject, DateTimeOffset Until);
}
