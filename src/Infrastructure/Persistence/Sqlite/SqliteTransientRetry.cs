using Microsoft.Data.Sqlite;
using Polly;
using Polly.Retry;

namespace MediVault.Infrastructure.Persistence;

/// <summary>
/// Retries a save that SQLite refused because another writer held the lock (SQLITE_BUSY, SQLITE_LOCKED).
/// The busy timeout already waits inside SQLite; this covers the cases it gives up on.
/// </summary>
internal static class SqliteTransientRetry
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    public static ResiliencePipeline Pipeline { get; } = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<SqliteException>(IsTransient)
                .Handle<Microsoft.EntityFrameworkCore.DbUpdateException>(e => e.InnerException is SqliteException s && IsTransient(s)),
            MaxRetryAttempts = 5,
            Delay = TimeSpan.FromMilliseconds(50),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        })
        .Build();

    public static bool IsTransient(SqliteException exception) =>
        exception.SqliteErrorCode is SqliteBusy or SqliteLocked;
}
