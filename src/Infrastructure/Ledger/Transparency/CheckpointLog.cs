using System.Data;
using System.Data.Common;
using MediVault.Infrastructure.Persistence;

namespace MediVault.Infrastructure.Ledger.Transparency;

/// <summary>A signed checkpoint as stored in <c>LedgerCheckpoints</c>: every checkpoint issued is kept.</summary>
public sealed record StoredCheckpoint(long Size, byte[] Root, string Note);

/// <summary>
/// Signs C2SP checkpoints of the ledger's Merkle tree with the log's Ed25519 key and keeps them all. A new checkpoint is
/// signed when the tree has grown, at most once per interval; a receipt that needs a newer one waits for the interval.
/// </summary>
public sealed class CheckpointLog : IDisposable
{
    private readonly DatabaseProvider _database;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _signing = new(1, 1);
    private long _lastSignedMs = long.MinValue / 2; // Environment.TickCount64: the interval is real time, whatever the app's clock

    /// <summary>A log over the SQLite database at <paramref name="connectionString"/>.</summary>
    public CheckpointLog(string connectionString, NoteSigner signer, TimeSpan interval, TimeProvider clock)
        : this(new SqliteDatabase(connectionString), signer, interval, clock)
    {
    }

    internal CheckpointLog(DatabaseProvider database, NoteSigner signer, TimeSpan interval, TimeProvider clock)
    {
        _database = database;
        Signer = signer;
        Interval = interval;
        _clock = clock;
    }

    public NoteSigner Signer { get; }
    public string Origin => Signer.Name;
    public TimeSpan Interval { get; }

    internal DatabaseProvider Database => _database;

    internal Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => _database.OpenAsync(cancellationToken);

    /// <summary>The newest checkpoint stored, or null before the first one.</summary>
    public async Task<StoredCheckpoint?> LatestAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await LatestAsync(connection, cancellationToken);
    }

    internal static Task<StoredCheckpoint?> LatestAsync(DbConnection connection, CancellationToken cancellationToken) =>
        LatestAsync(connection, null, cancellationToken);

    private static async Task<StoredCheckpoint?> LatestAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """SELECT "TreeSize", "RootHash", "Note" FROM "LedgerCheckpoints" ORDER BY "TreeSize" DESC LIMIT 1""";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredCheckpoint(reader.GetInt64(0), (byte[])reader.GetValue(1), reader.GetString(2))
            : null;
    }

    /// <summary>Every stored checkpoint, smallest first.</summary>
    internal static async Task<List<StoredCheckpoint>> AllAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """SELECT "TreeSize", "RootHash", "Note" FROM "LedgerCheckpoints" ORDER BY "TreeSize" """;
        var all = new List<StoredCheckpoint>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            all.Add(new StoredCheckpoint(reader.GetInt64(0), (byte[])reader.GetValue(1), reader.GetString(2)));
        return all;
    }

    /// <summary>Signs and stores a checkpoint of the whole stored tree if it has grown since the last one.</summary>
    public async Task<StoredCheckpoint?> SignIfGrownAsync(CancellationToken cancellationToken)
    {
        await _signing.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = await _database.BeginSnapshotAsync(connection, cancellationToken); // one snapshot of the tree
            var size = await LedgerTreeStore.SizeAsync(connection, transaction, cancellationToken);
            var latest = await LatestAsync(connection, transaction, cancellationToken);
            if (size == 0 || (latest is not null && latest.Size >= size))
                return latest;

            var root = (await LedgerTreeStore.FrontierAsync(connection, transaction, size, cancellationToken)).Root();
            // End the read snapshot before writing: upgrading it to a write could fail (SQLite's SQLITE_BUSY_SNAPSHOT) whenever an
            // append committed meanwhile. The tree is append-only, so the root of this size stays what it is.
            await transaction.CommitAsync(cancellationToken);
            var note = Signer.Sign(new Checkpoint(Origin, size, root).Text);
            await using (var insert = connection.CreateCommand())
            {
                insert.CommandText =
                    """INSERT INTO "LedgerCheckpoints" ("TreeSize", "RootHash", "Note", "CreatedAt") VALUES (@size, @root, @note, @at) ON CONFLICT DO NOTHING""";
                LedgerTreeStore.Parameter(insert, "@size", DbType.Int64).Value = size;
                LedgerTreeStore.Parameter(insert, "@root", DbType.Binary).Value = root;
                LedgerTreeStore.Parameter(insert, "@note", DbType.String).Value = note;
                LedgerTreeStore.Parameter(insert, "@at", DbType.String).Value = _clock.GetUtcNow().UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            _lastSignedMs = Environment.TickCount64;
            return new StoredCheckpoint(size, root, note);
        }
        finally
        {
            _signing.Release();
        }
    }

    /// <summary>
    /// A checkpoint of at least <paramref name="size"/> leaves: the latest if it is big enough, else a new one, signed as
    /// soon as the interval since the last signature allows.
    /// </summary>
    public async Task<StoredCheckpoint?> CoveringAsync(long size, CancellationToken cancellationToken)
    {
        var latest = await LatestAsync(cancellationToken);
        if (latest is not null && latest.Size >= size)
            return latest;
        var waitMs = _lastSignedMs + (long)Interval.TotalMilliseconds - Environment.TickCount64;
        if (waitMs > 0)
            await Task.Delay(TimeSpan.FromMilliseconds(waitMs), cancellationToken);
        latest = await SignIfGrownAsync(cancellationToken);
        return latest is not null && latest.Size >= size ? latest : null;
    }

    public void Dispose()
    {
        _signing.Dispose();
        Signer.Dispose();
    }
}
