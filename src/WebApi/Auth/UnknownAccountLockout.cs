using Microsoft.Extensions.Caching.Memory;

namespace MediVault.WebApi.Auth;

/// <summary>
/// Counts failed sign-ins for emails that have no account, and "locks" them like real accounts, so the answers for
/// an unknown email and a known one are the same at every step (no account enumeration through the lockout message).
/// </summary>
internal sealed class UnknownAccountLockout(TimeProvider clock) : IDisposable
{
    // Bounded, so spraying made-up emails cannot grow memory without limit.
    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = 100_000 });

    public const int MaxFailures = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    private sealed class Counter
    {
        public int Failures;
        public DateTimeOffset? LockedUntil;
    }

    public bool IsLocked(string email) => LockedUntil(email) is { } until && until > clock.GetUtcNow();

    /// <summary>When the lock on this email ends, or null when it was never locked.</summary>
    public DateTimeOffset? LockedUntil(string email) =>
        cache.TryGetValue(Key(email), out Counter? counter) ? counter!.LockedUntil : null;

    /// <summary>Records a failure; true when this failure locks the email.</summary>
    public bool RecordFailure(string email)
    {
        var counter = cache.GetOrCreate(Key(email), entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = LockoutDuration;
            entry.Size = 1;
            return new Counter();
        })!;
        lock (counter)
        {
            counter.Failures++;
            if (counter.Failures >= MaxFailures)
            {
                counter.LockedUntil = clock.GetUtcNow() + LockoutDuration;
                counter.Failures = 0;
                return true;
            }
            return false;
        }
    }

    public void Dispose() => cache.Dispose();

    private static string Key(string email) => "unknown-login:" + email.Trim().ToUpperInvariant();
}
