using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace MediVault.Infrastructure.Persistence;

/// <summary>The values of <c>MediVault:Database:Provider</c>.</summary>
public static class DatabaseProviderNames
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    public static bool IsKnown(string? name) => IsSqlite(name) || IsPostgres(name);

    public static bool IsSqlite(string? name) => string.Equals(name, Sqlite, StringComparison.OrdinalIgnoreCase);

    public static bool IsPostgres(string? name) => string.Equals(name, Postgres, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// What differs between the database engines the app runs on, behind one port: how EF Core talks to the engine, how the
/// ledger opens its own connections and takes the write lock, how transient faults are retried, and what runs once
/// after the migrations. Everything else (EF Core queries, the ledger's plain SQL) is the same for every engine.
/// </summary>
internal abstract class DatabaseProvider : IDisposable
{
    /// <summary><see cref="DatabaseProviderNames.Sqlite"/> or <see cref="DatabaseProviderNames.Postgres"/>.</summary>
    public abstract string Name { get; }

    public abstract string ConnectionString { get; }

    /// <summary>
    /// The engine runs in this process on a local file (SQLite): a small read costs less than handing the request to
    /// another thread, and its driver completes "async" calls synchronously. False for a server reached over the network.
    /// </summary>
    public virtual bool IsEmbedded => false;

    /// <summary>Points EF Core at the engine (with its per-connection settings and its execution strategy).</summary>
    public abstract void UseEngine(DbContextOptionsBuilder options);

    /// <summary>
    /// How every engine is sent a list in a query (<c>ids.Contains(x.Id)</c>): as one parameter (a JSON array read with
    /// <c>json_each</c> on SQLite, an array on PostgreSQL). EF Core 10's default, one parameter per item, makes SQL whose
    /// shape depends on the list's length, and EF Core builds it again on every execution (decisions §163).
    /// </summary>
    protected const ParameterTranslationMode ListParameters = ParameterTranslationMode.Parameter;

    /// <summary>
    /// The engine's context model as generated code (Persistence/CompiledModels, <c>scripts/add-migration.sh</c>), so
    /// that a start does not build it from <c>OnModelCreating</c> (docs/decisions.md §151).
    /// </summary>
    public abstract IModel CompiledModel { get; }

    /// <summary>A new open connection of the ledger's own, with the same per-connection settings as EF Core's.</summary>
    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// A transaction that holds the ledger's write lock from its start: one appender at a time, across every process
    /// that shares the database, so entries are numbered without a fork.
    /// </summary>
    public abstract Task<DbTransaction> BeginAppendAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>A read-only transaction that sees one snapshot for all its reads.</summary>
    public abstract Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="operation"/> again when it failed on a transient fault (a lock, a dropped connection).</summary>
    public abstract Task<T> RetryAsync<T>(DbContext context, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken);

    /// <summary>Once at start-up: creates or upgrades the schema and applies the engine's one-time settings.</summary>
    public abstract Task CreateOrMigrateAsync(DbContext db, CancellationToken cancellationToken);

    /// <summary>
    /// Holds, until disposed, the lock under which an instance migrates and runs its start-up steps, so that instances
    /// starting together on one database take turns. Several steps write rows another instance's step writes too: two
    /// instances registering the OAuth client at the same moment failed one of them with a concurrency error.
    /// </summary>
    public abstract Task<IAsyncDisposable> HoldStartupLockAsync(DbContext db, CancellationToken cancellationToken);

    public virtual void Dispose() => GC.SuppressFinalize(this);
}
