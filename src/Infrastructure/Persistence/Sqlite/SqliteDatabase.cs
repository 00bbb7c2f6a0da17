using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace MediVault.Infrastructure.Persistence;

/// <summary>
/// The embedded default: one SQLite file in the data directory, in WAL mode, with <c>secure_delete</c> on every
/// connection. The ledger's write lock is SQLite's own (<c>BEGIN IMMEDIATE</c>); a busy database is retried.
/// </summary>
internal sealed class SqliteDatabase(string connectionString) : DatabaseProvider
{
    private static readonly SecureDeletePragmas SecureDelete = new();

    public override string Name => DatabaseProviderNames.Sqlite;

    public override string ConnectionString { get; } = connectionString;

    public override bool IsEmbedded => true;

    public override IModel CompiledModel => CompiledModels.Sqlite.AppDbContextModel.Instance;

    public override void UseEngine(DbContextOptionsBuilder options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.UseSqlite(ConnectionString, sqlite => sqlite.UseParameterizedCollectionMode(ListParameters));
#pragma warning disable EF1001
        options.ReplaceService<Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal.ISqliteRelationalConnection, PlainSqliteConnection>();
#pragma warning restore EF1001
        options.AddInterceptors(SecureDelete);
    }

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await SecureDelete.ApplyAsync(connection, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override Task<DbTransaction> BeginAppendAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false)); // BEGIN IMMEDIATE: the write lock first

    public override Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true)); // a deferred read sees one snapshot

    public override async Task<T> RetryAsync<T>(DbContext context, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken) =>
        await SqliteTransientRetry.Pipeline.ExecuteAsync(async ct => await operation(ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Several processes may share the data directory's database (docs/deployment.md), so the start-up lock is an
    /// exclusive lock on a file beside the database, <c>medivault.db.startup-lock</c>, held open until disposed. The
    /// file stays (removing it could let a waiting process lock a name another one then recreates). An in-memory
    /// database, which no other process sees, needs none.
    /// </summary>
    public override async Task<IAsyncDisposable> HoldStartupLockAsync(DbContext db, CancellationToken cancellationToken)
    {
        var settings = new SqliteConnectionStringBuilder(ConnectionString);
        if (settings.Mode == SqliteOpenMode.Memory || string.IsNullOrEmpty(settings.DataSource) || settings.DataSource == ":memory:")
            return NoStartupLock.Instance;
        var path = Path.GetFullPath(settings.DataSource) + ".startup-lock";
        var deadline = DateTime.UtcNow + StartupLockWait;
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive advisory lock (flock) on Unix, a sharing lock on Windows. The file is
                // empty, and owner-only like the database beside it (DataDirectory sets it so again at every start).
                var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None, BufferSize = 0 };
                if (!OperatingSystem.IsWindows())
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                return new FileStream(path, options);
            }
            catch (IOException) when (File.Exists(path) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>How long a start waits for another process's start-up before it gives up.</summary>
    private static readonly TimeSpan StartupLockWait = TimeSpan.FromMinutes(5);

    private sealed class NoStartupLock : IAsyncDisposable
    {
        public static readonly NoStartupLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    public override async Task CreateOrMigrateAsync(DbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        // WAL lets readers go on while one writer commits; the setting is kept in the database file.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
    }
}
