using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL;

namespace MediVault.Infrastructure.Persistence;

/// <summary>
/// PostgreSQL (<c>MediVault:Database:Provider=postgres</c>), shared by every app instance. Transient faults are retried
/// by Npgsql's execution strategy (<see cref="PostgresExecutionStrategy"/>); the ledger's appends are serialized across
/// instances by a transaction-level advisory lock taken first in each group-commit transaction.
/// </summary>
internal sealed class PostgresDatabase(string connectionString) : DatabaseProvider
{
    /// <summary>
    /// Npgsql settings this app sets unless the connection string names them itself (docs/deployment.md, decisions §137):
    /// statements run five times are prepared on the server (the app runs the same few dozen statements all day), and a
    /// pooled connection is handed on without <c>DISCARD ALL</c> (the app leaves no session state behind: its advisory
    /// locks are transaction-level, or released in a <c>finally</c> at start-up). Behind PgBouncer in transaction mode
    /// older than 1.21, set <c>Max Auto Prepare=0</c>.
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, string> Defaults = new Dictionary<string, string>
    {
        ["Max Auto Prepare"] = "64",
        ["No Reset On Close"] = "true",
    };

    /// <summary>The operator's connection string with <see cref="Defaults"/> added where it says nothing of them.</summary>
    internal static string WithDefaults(string connectionString)
    {
        var given = new NpgsqlConnectionStringBuilder(connectionString);
        var named = new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>().Select(Keyword).ToHashSet();
        foreach (var (key, value) in Defaults)
        {
            if (!named.Contains(Keyword(key)))
                given[key] = value;
        }
        return given.ConnectionString;
    }

    // Npgsql accepts "Max Auto Prepare" and "MaxAutoPrepare" alike, in any case.
    private static string Keyword(string key) => key.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();

    /// <summary>Takes the transaction-level advisory lock of the ledger's appends (key "MVLEDGER" in ASCII, 0x4D564C4544474552).</summary>
    private const string LockLedger = "SELECT pg_advisory_xact_lock(5572725449299543378)";

    public override string Name => DatabaseProviderNames.Postgres;

    public override string ConnectionString { get; } = WithDefaults(connectionString);

    public override IModel CompiledModel => CompiledModels.Postgres.PostgresAppDbContextModel.Instance;

    public override void UseEngine(DbContextOptionsBuilder options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.UseNpgsql(ConnectionString, npgsql => npgsql
            .MigrationsHistoryTable("__EFMigrationsHistory")
            .UseParameterizedCollectionMode(ListParameters)
            .ExecutionStrategy(dependencies => new PostgresExecutionStrategy(dependencies)));
    }

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override async Task<DbTransaction> BeginAppendAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        // Read committed: after the lock is granted, every statement sees what the previous holder committed.
        var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = LockLedger;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return transaction;
        }
        catch
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override async Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
    }

    public override async Task<T> RetryAsync<T>(DbContext context, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return await context.Database.CreateExecutionStrategy().ExecuteAsync(operation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The session advisory lock of an instance's start-up, migrations and start-up steps (key "MVSTARTS" in ASCII).</summary>
    private const long StartupLockKey = 0x4D56535441525453;

    /// <summary>
    /// Takes the start-up lock on a connection of its own, outside the pool: the lock belongs to that session, so closing
    /// the connection ends the session and releases the lock, whatever happened in between. Opening it and waiting for
    /// the lock are retried on transient faults, as the migrations are.
    /// </summary>
    public override async Task<IAsyncDisposable> HoldStartupLockAsync(DbContext db, CancellationToken cancellationToken) =>
        await RetryAsync<IAsyncDisposable>(db, async ct =>
        {
            var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
            try
            {
                await connection.OpenAsync(ct).ConfigureAwait(false);
                await using var command = new NpgsqlCommand("SELECT pg_advisory_lock($1)", connection);
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = StartupLockKey });
                command.CommandTimeout = 0; // an instance waits as long as the one before it takes to start
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                return connection;
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>The session advisory lock of schema upgrades at start-up (key "MVSCHEMA" in ASCII).</summary>
    private const string LockSchema = "SELECT pg_advisory_lock(5572733137357983041)";
    private const string UnlockSchema = "SELECT pg_advisory_unlock(5572733137357983041)";

    /// <summary>
    /// Applies PostgreSQL's migration set (Persistence/Migrations/Postgres) holding a session advisory lock, so that
    /// instances starting together upgrade the schema once, one after the other.
    /// </summary>
    public override async Task CreateOrMigrateAsync(DbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await db.Database.ExecuteSqlRawAsync(LockSchema, cancellationToken).ConfigureAwait(false);
            try
            {
                // Npgsql's provider takes the history table as present and reads it, and on a new database EF Core logs
                // the failed read as an Error before creating the table (npgsql/efcore.pg#3407). Created first, with
                // IF NOT EXISTS, the read succeeds: an operator's first start logs no error that is not one.
                await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
                await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await db.Database.ExecuteSqlRawAsync(UnlockSchema, CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>
/// Npgsql's retrying execution strategy, except inside a transaction the caller opened (the ledger's group commit): there
/// the strategy neither refuses to run (EF Core's default for a retrying strategy in a user transaction) nor retries;
/// the caller retries the whole transaction instead (<see cref="DatabaseProvider.RetryAsync{T}"/> around the append),
/// since replaying one statement of a failed transaction cannot succeed. The transaction is looked at only when an
/// operation starts or fails, never while EF Core builds its services (the strategy is one of them).
/// </summary>
internal sealed class PostgresExecutionStrategy(ExecutionStrategyDependencies dependencies)
    : NpgsqlRetryingExecutionStrategy(dependencies, maxRetryCount: 6, maxRetryDelay: TimeSpan.FromSeconds(5), errorCodesToAdd: null)
{
    private bool InCallersTransaction => Dependencies.CurrentContext.Context.Database.CurrentTransaction is not null;

    protected override void OnFirstExecution()
    {
        if (InCallersTransaction)
            ExceptionsEncountered.Clear();
        else
            base.OnFirstExecution();
    }

    protected override bool ShouldRetryOn(Exception? exception) => !InCallersTransaction && base.ShouldRetryOn(exception);
}
