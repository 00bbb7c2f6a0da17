using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace MediVault.Infrastructure.Ledger;

/// <summary>
/// Where the verifier's entries come from: one ADO.NET reader over the whole table (any provider, any stored value),
/// or, on SQLite when the stored indexes are exactly 0..n−1, several readers on connections of their own, each reading
/// every R-th chunk by index range straight from SQLite's rows into <see cref="StoredEntryChunk"/>s, so that reading
/// uses every core and allocates nothing per entry. Chunks come out in index order either way.
/// </summary>
internal static class LedgerChunks
{
    private const string Columns = """SELECT "Index", "Timestamp", "Kind", "ResourceId", "PayloadHash", "PreviousHash", "Hash" FROM "LedgerBlocks" """;

    /// <summary>What a parallel reader prepares: the rows of one index range, ?1 ≤ index &lt; ?2, in index order.</summary>
    internal const string RangeQuery = Columns + """WHERE "Index" >= ?1 AND "Index" < ?2 ORDER BY "Index" """;

    /// <summary>Readers to use for a log of <paramref name="entries"/> entries: one per core, at most four; one for a short log.</summary>
    public static int ReadersFor(long entries) =>
        entries <= 2L * HashChainLedger.Chunk ? 1 : Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>Every row of the table in index order, whatever the indexes and values are (gaps and strays included).</summary>
    public static async IAsyncEnumerable<ILedgerChunk> ReadAllAsync(
        DbConnection connection, DbTransaction transaction, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Columns + """ORDER BY "Index" """;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var chunk = new RowChunk(new HashChainLedger.Row[HashChainLedger.Chunk]);
        var more = true;
        while (more)
        {
            var count = 0;
            while (count < chunk.Rows.Length && (more = await reader.ReadAsync(cancellationToken)))
                chunk.Rows[count++] = HashChainLedger.Row.Read(reader);
            chunk.Count = count;
            if (count > 0)
                yield return chunk;
        }
    }

    /// <summary>
    /// The rows with indexes 0..<paramref name="entries"/>−1 of the SQLite database at <paramref name="connectionString"/>,
    /// read by <paramref name="readers"/> connections. Only valid when the caller's snapshot holds exactly those indexes:
    /// entries are only ever added after the last one, so every later snapshot holds the same rows below that bound.
    /// Throws <see cref="StoredEntryChunk.UnusualRowException"/> at the first row the fast path does not take as is;
    /// the caller then walks the table with <see cref="ReadAllAsync"/>.
    /// </summary>
    public static async IAsyncEnumerable<ILedgerChunk> ReadInParallelAsync(
        string connectionString, long entries, int readers, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var chunks = (entries + HashChainLedger.Chunk - 1) / HashChainLedger.Chunk;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var lanes = Enumerable.Range(0, readers).Select(lane => new Lane(lane)).ToArray();
        var tasks = lanes.Select(lane => Task.Run(() => lane.ReadAsync(connectionString, entries, chunks, readers, stop.Token), stop.Token)).ToArray();
        try
        {
            for (long chunk = 0; chunk < chunks; chunk++)
            {
                var lane = lanes[chunk % readers];
                var filled = await NextAsync(lane, cancellationToken);
                yield return filled;
                lane.Empty.Writer.TryWrite(filled);
            }
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await Task.WhenAll(tasks);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                // The walk ended first (a failure, an unusual row, or the caller's cancellation): what the readers
                // did after that no longer matters, and the walk's own exception, if any, is the one that counts.
            }
        }
    }

    /// <summary>The lane's next chunk; a reader's failure surfaces as itself, not wrapped by the channel.</summary>
    private static async Task<StoredEntryChunk> NextAsync(Lane lane, CancellationToken cancellationToken)
    {
        try
        {
            return await lane.Filled.Reader.ReadAsync(cancellationToken);
        }
        catch (ChannelClosedException closed) when (closed.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(closed.InnerException);
            throw;
        }
    }

    /// <summary>One reader: two chunks in turn, handed to the verifier and back.</summary>
    private sealed class Lane
    {
        public Lane(int number)
        {
            Number = number;
            Empty.Writer.TryWrite(new StoredEntryChunk());
            Empty.Writer.TryWrite(new StoredEntryChunk());
        }

        public int Number { get; }

        public Channel<StoredEntryChunk> Filled { get; } = Channel.CreateBounded<StoredEntryChunk>(2);

        public Channel<StoredEntryChunk> Empty { get; } = Channel.CreateBounded<StoredEntryChunk>(2);

        public async Task ReadAsync(string connectionString, long entries, long chunks, int readers, CancellationToken cancellationToken)
        {
            try
            {
                // No transaction: each chunk's query reads one snapshot, and the rows below the bound are the same in all of them.
                await using var connection = new SqliteConnection(connectionString);
                await connection.OpenAsync(cancellationToken);
                // The statement is prepared and stepped through SQLite's own API, below Microsoft.Data.Sqlite's retry on a
                // busy database (another connection recovering the write-ahead log as it opens, say): SQLite itself waits
                // instead, as long as the connection's commands would, until the connection goes back to the pool.
                raw.sqlite3_busy_timeout(connection.Handle, connection.DefaultTimeout * 1000);
                try
                {
                    using var statement = StoredEntryChunk.Prepare(connection, RangeQuery);
                    for (long chunk = Number; chunk < chunks; chunk += readers)
                    {
                        var into = await Empty.Reader.ReadAsync(cancellationToken);
                        into.Fill(statement, chunk * HashChainLedger.Chunk, Math.Min(entries, (chunk + 1) * HashChainLedger.Chunk));
                        await Filled.Writer.WriteAsync(into, cancellationToken);
                    }
                }
                finally
                {
                    raw.sqlite3_busy_timeout(connection.Handle, 0);
                }

                Filled.Writer.TryComplete();
            }
            catch (Exception e)
            {
                Filled.Writer.TryComplete(e);
                throw;
            }
        }
    }
}
