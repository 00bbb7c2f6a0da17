using System.Buffers;
using System.Data.Common;
using System.Globalization;
using MediVault.Application.Common.Abstractions;
using MediVault.Domain.Ledger;
using MediVault.Infrastructure.Ledger.Transparency;
using MediVault.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Infrastructure.Ledger;

/// <summary>
/// The ledger kept in the LedgerBlocks table of the app's database, with its RFC 6962 Merkle tree and signed
/// checkpoints. Format: docs/ledger.md.
/// </summary>
internal sealed class HashChainLedger(AppDbContext db, LedgerWriter writer, CheckpointLog checkpoints) : ILedger
{
    public async Task<LedgerBlock> CommitAsync(LedgerEvent ledgerEvent, Action<LedgerBlock>? beforeSave, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ledgerEvent);
        cancellationToken.ThrowIfCancellationRequested();
        return await checkpoints.Database.RetryAsync(
            db, async _ => (await writer.AppendAsync(db, ledgerEvent, beforeSave))!, cancellationToken);
    }

    public async Task<LedgerBlock?> CommitIfAsync(
        LedgerEvent ledgerEvent, Func<CancellationToken, Task<bool>> condition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ledgerEvent);
        cancellationToken.ThrowIfCancellationRequested();
        return await checkpoints.Database.RetryAsync(
            db, async _ => await writer.AppendAsync(db, ledgerEvent, null, condition), cancellationToken);
    }

    /// <summary>Creates the genesis entry when the log is empty and gives existing entries their leaves. Run at start-up.</summary>
    public async Task EnsureGenesisAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await writer.AppendAsync(db, null, null);
    }

    public async Task<LedgerVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await checkpoints.OpenAsync(cancellationToken);
        // One snapshot: the entries, the tree and the checkpoints as of the same commit.
        await using var transaction = await checkpoints.Database.BeginSnapshotAsync(connection, cancellationToken);
        var signed = await CheckpointLog.AllAsync(connection, transaction, cancellationToken);
        var leaves = await LedgerTreeStore.SizeAsync(connection, transaction, cancellationToken);
        var (entries, contiguous) = await ExtentAsync(connection, transaction, cancellationToken);
        var readers = LedgerChunks.ReadersFor(entries);
        LedgerVerification? chain = null;
        // The fast path reads SQLite's rows directly (docs/ledger.md, "Verifying"); any other engine takes the general walk.
        if (connection is SqliteConnection sqlite && contiguous && readers > 1)
        {
            try
            {
                chain = await VerifyChunksAsync(LedgerChunks.ReadInParallelAsync(sqlite.ConnectionString, entries, readers, cancellationToken), signed, cancellationToken);
            }
            catch (StoredEntryChunk.UnusualRowException)
            {
                // An edited row the fast path does not read as is: the ADO.NET walk below judges it.
            }
        }

        chain ??= await VerifyChunksAsync(LedgerChunks.ReadAllAsync(connection, transaction, cancellationToken), signed, cancellationToken);
        return chain.Valid ? CheckCheckpoints(chain, signed, leaves) : chain;
    }

    /// <summary>How many entries are stored, and whether their indexes are exactly 0..n−1 (no gap, no stray row).</summary>
    private static async Task<(long Entries, bool Contiguous)> ExtentAsync(
        DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """SELECT COUNT(*), MIN("Index"), MAX("Index") FROM "LedgerBlocks" """;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var entries = reader.GetInt64(0);
        return (entries, entries > 0 && reader.GetInt64(1) == 0 && reader.GetInt64(2) == entries - 1);
    }


    /// <summary>What the walk cannot see: entries missing at the end, and checkpoints not signed by this log's key.</summary>
    private LedgerVerification CheckCheckpoints(LedgerVerification chain, List<StoredCheckpoint> signed, long leaves)
    {
        LedgerVerification Fail(long? index, string problem) => chain with { Valid = false, FirstInvalidIndex = index, Problem = problem };

        if (leaves > chain.Length)
            return Fail(chain.Length, $"The Merkle tree has {leaves} leaves but only {chain.Length} entries are stored: entries were removed.");
        if (signed.Count == 0)
            return chain;
        var latest = signed[^1];
        if (latest.Size > chain.Length)
            return Fail(chain.Length,
                $"The latest signed checkpoint covers {latest.Size} entries but only {chain.Length} are stored: entries were removed.");
        if (!NoteKeys.TryVerify(latest.Note, checkpoints.Signer.VerifierKey, out _))
            return Fail(null, $"The latest checkpoint (size {latest.Size}) does not verify with this log's key {checkpoints.Signer.VerifierKey}.");
        foreach (var checkpoint in signed)
        {
            if (!SignedBy(checkpoint.Note, checkpoints.Signer.KeyId))
                return Fail(null, $"The checkpoint of size {checkpoint.Size} was signed by another key than this log's.");
        }

        return chain;
    }

    /// <summary>Whether the note's signature line carries <paramref name="keyId"/> (the signature itself is not checked here).</summary>
    private static bool SignedBy(string note, uint keyId)
    {
        var line = note.TrimEnd('\n');
        var blob = line[(line.LastIndexOf(' ') + 1)..];
        Span<byte> bytes = stackalloc byte[72];
        return Convert.TryFromBase64String(blob, bytes, out var written) && written == 68 &&
               System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes) == keyId;
    }

    /// <summary>Entries per chunk: a power of two, so each full chunk is one complete subtree of the Merkle tree.</summary>
    internal const int Chunk = 1 << 13;

    /// <summary>
    /// Walks the rows once, oldest first, in chunks (read ahead by <see cref="LedgerChunks"/>). Only the link check and
    /// the tree's right edge are sequential: parsing and hashing a chunk's entries, and hashing its subtree level by
    /// level, run in parallel. Memory is O(readers × chunk + log n) for any length. An entry is valid when its index is the next one, its hash is the hash of its
    /// encoding and it links to its predecessor; each stored checkpoint's root must be the root of the entries up to its size.
    /// </summary>
    internal static async Task<LedgerVerification> VerifyChunksAsync(
        IAsyncEnumerable<ILedgerChunk> chunks, IReadOnlyList<StoredCheckpoint> signed, CancellationToken cancellationToken)
    {
        long expected = 0;
        long? firstInvalid = null;
        string? problem = null;
        // A checkpoint's root that the entries do not reproduce is reported, but the walk goes on: an edited entry whose
        // own hash was recomputed shows as a broken link further on, and that index is what the answer names.
        string? rootProblem = null;
        var previousHash = LedgerEncoding.ZeroHash;
        var head = "";
        var tree = new TreeFrontier();
        var subtree = new ChunkSubtree(Chunk);
        var nextCheckpoint = 0;
        var intact = new bool[Chunk];
        await foreach (var chunk in chunks.WithCancellation(cancellationToken))
        {
            var count = chunk.Count;
            var valid = 0;
            if (firstInvalid is null) // set together with problem, at the first entry that is not intact
            {
                Parallel.For(0, count, i => intact[i] = chunk.TryHash(i, subtree.Leaf(i)));
                while (valid < count && intact[valid] && IsNext(chunk, valid, expected + valid, previousHash))
                    valid++;
                if (valid < count)
                {
                    firstInvalid = expected + valid;
                    problem = $"Entry {firstInvalid} does not match its hash or its link to the entry before it.";
                }

                // The chunk starts at a multiple of its size, so its valid entries are complete subtrees of the log's tree.
                subtree.Build(valid);
                while (nextCheckpoint < signed.Count && signed[nextCheckpoint].Size <= tree.Size + valid)
                {
                    var checkpoint = signed[nextCheckpoint++];
                    // Sizes come in ascending order, so only a size-0 checkpoint can be at tree.Size (the empty tree, whose root is
                    // SHA-256 of nothing); a negative size, which no signer writes, has no root to compare.
                    if (checkpoint.Size >= tree.Size && !subtree.RootAfter(tree, checkpoint.Size - tree.Size).AsSpan().SequenceEqual(checkpoint.Root))
                        rootProblem ??= $"The entries do not reproduce the root of the signed checkpoint of size {checkpoint.Size}.";
                }

                subtree.AppendTo(tree, valid);
            }

            if (count > 0)
                head = chunk.HashAt(count - 1);
            previousHash = head;
            expected += count;
        }

        problem ??= rootProblem;
        return new LedgerVerification(problem is null, expected, head, firstInvalid, problem);
    }

    /// <summary>The entry is the one expected at <paramref name="index"/>, linked to the entry before it; only the genesis entry comes first.</summary>
    private static bool IsNext(ILedgerChunk chunk, int row, long index, string lastChunksHash) =>
        chunk.IndexAt(row) == index && (row == 0 ? chunk.LinksTo(row, lastChunksHash) : chunk.LinksToPreviousRow(row)) &&
        (index == 0) == chunk.IsGenesis(row);

    /// <summary>
    /// One stored entry as read. Values are kept as read and parsed while hashing, in parallel: SQLite hands timestamps
    /// and ids over as text. A value that is not even of its type leaves the row unreadable (not intact).
    /// </summary>
    internal readonly record struct Row(
        long Index, object Timestamp, string Kind, object ResourceId, string PayloadHash, string PreviousHash, string? Hash, bool Readable)
    {
        public static Row Read(DbDataReader reader)
        {
            var index = reader.GetInt64(0);
            var hash = reader.IsDBNull(6) ? null : reader.GetString(6);
            try
            {
                object timestamp = IsText(reader, 1) ? reader.GetString(1) : reader.GetDateTime(1);
                object resourceId = IsText(reader, 3) ? reader.GetString(3) : reader.GetGuid(3);
                return new Row(index, timestamp, reader.GetString(2), resourceId, reader.GetString(4), reader.GetString(5), hash, true);
            }
            catch (Exception e) when (e is FormatException or InvalidCastException)
            {
                return new Row(index, "", "", "", "", "", hash, false);
            }
        }

        private static bool IsText(DbDataReader reader, int ordinal) => reader.GetFieldType(ordinal) == typeof(string);

        /// <summary>Whether the stored hash is the SHA-256 of the entry's encoding; writes the entry's leaf hash.</summary>
        public bool TryHash(Span<byte> leaf)
        {
            if (!Readable || Hash is null || !IsHex(Hash) || !IsHex(PayloadHash) || !IsHex(PreviousHash) || Kind.Length is 0 or > 32 ||
                !TryTimestamp(Timestamp, out var timestamp) || !TryGuid(ResourceId, out var resourceId))
                return false;
            Span<byte> computed = stackalloc byte[Sha256.HashSize];
            Span<byte> stored = stackalloc byte[Sha256.HashSize];
            try
            {
                LedgerEncoding.ComputeHashes(computed, leaf, Index, timestamp, Kind, resourceId, PayloadHash, PreviousHash);
            }
            catch (ArgumentException)
            {
                return false; // a kind edited into characters the encoding has no room for
            }

            Convert.FromHexString(Hash, stored, out _, out _);
            return computed.SequenceEqual(stored);
        }

        // Text is parsed as Microsoft.Data.Sqlite's GetDateTime and GetGuid parse it, so a value reads as it does through EF Core.
        private static bool TryTimestamp(object value, out DateTime timestamp)
        {
            if (value is string text)
                return DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out timestamp);
            timestamp = (DateTime)value;
            return true;
        }

        private static bool TryGuid(object value, out Guid id)
        {
            if (value is string text)
                return Guid.TryParse(text, out id);
            id = (Guid)value;
            return true;
        }
    }

    public async Task<bool> VerifyBlockAsync(long index, CancellationToken cancellationToken)
    {
        var blocks = await db.LedgerBlocks.AsNoTracking()
            .Where(b => b.Index == index || b.Index == index - 1)
            .OrderBy(b => b.Index)
            .ToListAsync(cancellationToken);
        var block = blocks.LastOrDefault();
        if (block is null || block.Index != index)
            return false;
        var expectedPrevious = index == 0 ? LedgerEncoding.ZeroHash : blocks.Count == 2 ? blocks[0].Hash : null;
        return expectedPrevious is not null
            && string.Equals(block.PreviousHash, expectedPrevious, StringComparison.Ordinal)
            && string.Equals(HashOf(block), block.Hash, StringComparison.Ordinal);
    }

    internal static string HashOf(LedgerBlock block) =>
        LedgerEncoding.ComputeHash(block.Index, block.Timestamp, block.Kind, block.ResourceId, block.PayloadHash, block.PreviousHash);

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    private static bool IsHex(string value) => value.Length == 64 && !value.AsSpan().ContainsAnyExcept(LowerHex);
}
