using Microsoft.Extensions.DependencyInjection;

namespace MediVault.Infrastructure;

/// <summary>The outcome of one run of the database and storage probes.</summary>
public sealed record HealthSnapshot(bool Database, bool Storage, DateTimeOffset CheckedAt)
{
    public bool Healthy => Database && Storage;
}

/// <summary>
/// Runs <see cref="HealthProbe"/> at most once per <see cref="MaxAge"/> however many callers ask: a liveness answer may be
/// up to a second old, so a failing database or storage shows within about a second, while a burst of health checks
/// costs one probe. Callers that arrive while a probe runs wait for that probe.
/// </summary>
public sealed class HealthMonitor
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    private readonly Func<Task<(bool Database, bool Storage)>> runProbes;
    private readonly TimeProvider clock;
    private readonly Lock gate = new();
    private Task<HealthSnapshot>? current;

    public HealthMonitor(IServiceScopeFactory scopes, TimeProvider clock)
        : this(() => RunProbesAsync(scopes), clock)
    {
    }

    internal HealthMonitor(Func<Task<(bool Database, bool Storage)>> runProbes, TimeProvider clock)
    {
        this.runProbes = runProbes;
        this.clock = clock;
    }

    public Task<HealthSnapshot> CheckAsync()
    {
        var probe = Volatile.Read(ref current);
        if (probe is not null && IsFresh(probe))
            return probe;
        lock (gate)
        {
            if (current is null || !IsFresh(current))
                current = ProbeAsync();
            return current;
        }
    }

    /// <summary>Running, or finished less than <see cref="MaxAge"/> ago.</summary>
    private bool IsFresh(Task<HealthSnapshot> probe) =>
        !probe.IsCompleted || (probe.IsCompletedSuccessfully && clock.GetUtcNow() - probe.Result.CheckedAt < MaxAge);

    private async Task<HealthSnapshot> ProbeAsync()
    {
        await Task.Yield();
        var (database, storage) = await runProbes();
        return new HealthSnapshot(database, storage, clock.GetUtcNow());
    }

    private static async Task<(bool Database, bool Storage)> RunProbesAsync(IServiceScopeFactory scopes)
    {
        await using var scope = scopes.CreateAsyncScope();
        var probe = scope.ServiceProvider.GetRequiredService<HealthProbe>();
        // Not tied to one caller's request: the answer is shared by everyone waiting for it.
        return (await probe.DatabaseIsHealthyAsync(CancellationToken.None), await probe.StorageIsHealthyAsync(CancellationToken.None));
    }
}
