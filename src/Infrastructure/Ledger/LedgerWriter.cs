using System.Data;
using System.Data.Common;
using System.Threading.Channels;
using MediVault.Application.Common.Abstractions;
using MediVault.Domain.Ledger;
using MediVault.Infrastructure.Ledger.Transparency;
using MediVault.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Infrastructure.Ledger;

/// <summary>
/// One per process: appends ledger entries by group commit. Requests queue their appends; one loop takes every append
/// waiting, opens one transaction on its own connection that holds the ledger's write lock from its start (SQLite's
/// <c>BEGIN IMMEDIATE</c>; on PostgreSQL a transaction-level advisory lock, so instances sharing the database take turns), saves each request's pending changes
/// (its record and its entry) in that transaction in queue order, writes the new Merkle tree nodes, and commits once:
/// one fsync for the whole group. An entry is still committed in the same transaction as the change it records, and a
/// request whose save fails is rolled back to its savepoint without touching the others. Entries are numbered by the
/// single loop, under the database write lock, so the log cannot fork.
/// </summary>
internal sealed class LedgerWriter : IAsyncDisposable
{
    private const int MaxBatch = 256;

    private readonly Channel<Append> _queue = Channel.CreateUnbounded<Append>(new UnboundedChannelOptions { SingleReader = true });
    private readonly DatabaseProvider _database;
    private readonly TimeProvider _clock;
    private readonly Task _loop;

    // The committed state, as this process last saw it; re-read whenever the database's head differs (another process).
    private TreeFrontier? _tree;
    private string _headHash = "";

    /// <summary>A writer over the SQLite database at <paramref name="connectionString"/>.</summary>
    public LedgerWriter(string connectionString, TimeProvider clock)
        : this(new SqliteDatabase(connectionString), clock)
    {
    }

    internal LedgerWriter(DatabaseProvider database, TimeProvider clock)
    {
        _database = database;
        _clock = clock;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Groups committed so far (for the benchmarks and tests that check appends share commits).</summary>
    public long Commits { get; private set; }

    /// <summary>
    /// Queues an append for <paramref name="ledgerEvent"/> (null: only make sure the genesis entry and the tree exist)
    /// and saves it with every change pending in <paramref name="db"/>. Completes when the group is committed.
    /// </summary>
    public Task<LedgerBlock?> AppendAsync(
        AppDbContext db, LedgerEvent? ledgerEvent, Action<LedgerBlock>? beforeSave, Func<CancellationToken, Task<bool>>? condition = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (ledgerEvent is not null && !IsKind(ledgerEvent.Kind))
            throw new ArgumentException("A block kind is 1 to 32 characters of a-z and '-'.", nameof(ledgerEvent));
        var append = new Append(db, ledgerEvent, beforeSave, condition);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(append), this);
        return append.Completion.Task;
    }

    private static bool IsKind(string kind) => kind.Length is > 0 and <= 32 && kind.All(c => c is >= 'a' and <= 'z' or '-');

    private async Task RunAsync()
    {
        var batch = new List<Append>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var append))
                batch.Add(append);
            try
            {
                await CommitAsync(batch).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // the loop must outlive any failure; the exception goes to every waiting request
            catch (Exception exception)
#pragma warning restore CA1031
            {
                _tree = null;
                foreach (var append in batch)
                    append.Fail(exception);
            }

            batch.Clear();
        }
    }

    private async Task CommitAsync(List<Append> batch)
    {
        // A pooled connection per group, returned at once: an idle writer holds no file open (ClearAllPools, the
        // last-close WAL checkpoint and health checks see the database as every other connection does).
        await using var connection = await _database.OpenAsync(CancellationToken.None).ConfigureAwait(false);
        await using var transaction = await _database.BeginAppendAsync(connection, CancellationToken.None).ConfigureAwait(false); // the write lock first
        var (headIndex, headHash) = await HeadAsync(connection, transaction).ConfigureAwait(false);
        var tree = _tree is { } known && known.Size == headIndex + 1 && headHash == _headHash
            ? known.Clone()
            : await LoadAsync(connection, transaction, headIndex + 1).ConfigureAwait(false);
        var created = new List<(int Level, long Index, byte[] Hash)>();
        var previous = headHash ?? LedgerEncoding.ZeroHash;

        foreach (var append in batch)
        {
            var rows = AppendOnlyRows.For(append.Db);
            var original = append.Db.Database.GetConnectionString();
            append.Db.Database.SetDbConnection(connection, contextOwnsConnection: false);
            await append.Db.Database.UseTransactionAsync(transaction).ConfigureAwait(false);
            // One savepoint per request: its condition, its changes and its entry go back together if any part fails.
            append.Db.Database.AutoSavepointsEnabled = false;
            await transaction.SaveAsync("request").ConfigureAwait(false);
            var leaves = new List<byte[]>(2);
            var last = previous;
            try
            {
                if (tree.Size == 0)
                {
                    var genesis = Build(0, LedgerBlockKind.Genesis, Guid.Empty, Guid.Empty, LedgerEncoding.ZeroHash, last, leaves);
                    await rows.InsertAsync(connection, transaction, genesis, CancellationToken.None).ConfigureAwait(false);
                    last = genesis.Hash;
                }

                if (append.Condition is { } condition && !await condition(CancellationToken.None).ConfigureAwait(false))
                {
                    // The condition did not hold: nothing of this request is saved (its pending changes are dropped).
                    await transaction.RollbackAsync("request").ConfigureAwait(false);
                    await transaction.ReleaseAsync("request").ConfigureAwait(false);
                    append.Db.ChangeTracker.Clear();
                    append.Skipped = true;
                    continue;
                }

                if (append.Event is { } e)
                {
                    var block = Build(tree.Size + leaves.Count, e.Kind, e.ResourceId, e.SubjectId, e.PayloadHash, last, leaves);
                    await rows.InsertAsync(connection, transaction, block, CancellationToken.None).ConfigureAwait(false);
                    last = block.Hash;
                    append.Block = block;
                    append.BeforeSave?.Invoke(block);
                }

                // Not accepted yet: should the group's commit fail, the request's changes are still pending for a retry.
                await rows.SaveAsync(append.Db, connection, transaction, CancellationToken.None).ConfigureAwait(false);
                await transaction.ReleaseAsync("request").ConfigureAwait(false);
                foreach (var leaf in leaves)
                    tree.Append(leaf, (level, index, hash) => created.Add((level, index, hash)));
                previous = last;
                append.Saved = true;
            }
#pragma warning disable CA1031 // a request's own failure is its alone: rolled back to its savepoint
            catch (Exception exception)
#pragma warning restore CA1031
            {
                await transaction.RollbackAsync("request").ConfigureAwait(false);
                await transaction.ReleaseAsync("request").ConfigureAwait(false);
                append.Error = exception;
            }
            finally
            {
                await append.Db.Database.UseTransactionAsync(null).ConfigureAwait(false);
                append.Db.Database.SetDbConnection(null, contextOwnsConnection: true);
                append.Db.Database.SetConnectionString(original);
                append.Db.Database.AutoSavepointsEnabled = true;
            }
        }

        // Should this fail, the loop hands the exception to every request of the group, whose changes are still pending.
        await LedgerTreeStore.InsertAsync(connection, transaction, created, CancellationToken.None).ConfigureAwait(false);
        await transaction.CommitAsync().ConfigureAwait(false);

        _tree = tree;
        _headHash = previous;
        Commits++;
        foreach (var append in batch)
            append.Complete();
    }

    private LedgerBlock Build(long index, string kind, Guid resourceId, Guid subjectId, string payloadHash, string previousHash, List<byte[]> leaves)
    {
        var timestamp = LedgerEncoding.Truncate(_clock.GetUtcNow().UtcDateTime);
        var hash = new byte[Rfc6962.HashSize];
        var leaf = new byte[Rfc6962.HashSize];
        LedgerEncoding.ComputeHashes(hash, leaf, index, timestamp, kind, resourceId, payloadHash, previousHash);
        leaves.Add(leaf);
        return LedgerBlock.Create(index, timestamp, kind, resourceId, subjectId, payloadHash, previousHash, Convert.ToHexStringLower(hash));
    }

    private static async Task<(long Index, string? Hash)> HeadAsync(DbConnection connection, DbTransaction transaction)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """SELECT "Index", "Hash" FROM "LedgerBlocks" ORDER BY "Index" DESC LIMIT 1""";
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        return await reader.ReadAsync().ConfigureAwait(false) ? (reader.GetInt64(0), reader.GetString(1)) : (-1, null);
    }

    /// <summary>
    /// Reads the stored tree's frontier and, for a vault that predates the tree, adds the leaves of the entries that
    /// have none yet (entries become leaves 0..n−1 unchanged). Refuses to go on when the tree has more leaves than
    /// there are entries: an entry was removed, and appending would fork the log.
    /// </summary>
    private static async Task<TreeFrontier> LoadAsync(DbConnection connection, DbTransaction transaction, long entries)
    {
        var leaves = await LedgerTreeStore.SizeAsync(connection, transaction, CancellationToken.None).ConfigureAwait(false);
        if (leaves > entries)
            throw new LedgerDamagedException(
                $"The ledger has {entries} entries but its Merkle tree has {leaves} leaves: entries were removed. GET /api/ledger/verify tells more.");
        var tree = await LedgerTreeStore.FrontierAsync(connection, transaction, leaves, CancellationToken.None).ConfigureAwait(false);
        if (leaves == entries)
            return tree;

        var created = new List<(int Level, long Index, byte[] Hash)>();
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText =
                """SELECT "Index", "Timestamp", "Kind", "ResourceId", "PayloadHash", "PreviousHash" FROM "LedgerBlocks" WHERE "Index" >= @from ORDER BY "Index" """;
            LedgerTreeStore.Parameter(command, "@from", DbType.Int64).Value = leaves;
            await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            var hash = new byte[Rfc6962.HashSize];
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                var leaf = new byte[Rfc6962.HashSize];
                LedgerEncoding.ComputeHashes(hash, leaf, reader.GetInt64(0), reader.GetDateTime(1), reader.GetString(2), reader.GetGuid(3),
                    reader.GetString(4), reader.GetString(5));
                tree.Append(leaf, (level, index, node) => created.Add((level, index, node)));
            }
        }

        await LedgerTreeStore.InsertAsync(connection, transaction, created, CancellationToken.None).ConfigureAwait(false);
        return tree;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private sealed class Append(
        AppDbContext db, LedgerEvent? ledgerEvent, Action<LedgerBlock>? beforeSave, Func<CancellationToken, Task<bool>>? condition)
    {
        public Func<CancellationToken, Task<bool>>? Condition { get; } = condition;
        public bool Skipped { get; set; }
        public AppDbContext Db { get; } = db;
        public LedgerEvent? Event { get; } = ledgerEvent;
        public Action<LedgerBlock>? BeforeSave { get; } = beforeSave;
        public LedgerBlock? Block { get; set; }
        public bool Saved { get; set; }
        public Exception? Error { get; set; }
        public TaskCompletionSource<LedgerBlock?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Complete()
        {
            if (Skipped)
            {
                Completion.TrySetResult(null);
            }
            else if (Saved)
            {
                Db.ChangeTracker.AcceptAllChanges();
                Completion.TrySetResult(Block);
            }
            else
            {
                Completion.TrySetException(Error ?? new InvalidOperationException("The ledger append was not saved."));
            }
        }

        public void Fail(Exception exception) => Completion.TrySetException(exception);
    }
}

/// <summary>The stored ledger contradicts itself (e.g. its tree has leaves for entries that are gone); appending would fork it.</summary>
public sealed class LedgerDamagedException(string message) : Exception(message);
