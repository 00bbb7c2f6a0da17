using System.Data.Common;
using System.Security.Cryptography;
using MediVault.Application.Common.Abstractions;
using MediVault.Domain.Ledger;
using MediVault.Infrastructure.Ledger.Transparency;
using MediVault.Infrastructure.Persistence;
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
        LedgerVerification chain;
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText =
                """SELECT "Index", "Timestamp", "Kind", "ResourceId", "PayloadHash", "PreviousHash", "Hash" FROM "LedgerBlocks" ORDER BY "Index" """;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            chain = await VerifyRowsAsync(reader, signed, cancellationToken);
        }

        return chain.Valid ? CheckCheckpoints(chain, signed, leaves) : chain;
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

    private const int Chunk = 8192;

    /// <summary>
    /// Walks the rows once, oldest first, in chunks: each chunk's entries are hashed in parallel (the costly part), then
    /// checked in order, keeping only the previous hash and the tree's right edge: memory is O(chunk + log n) for any
    /// length. An entry is valid when its index is the next one, its hash is the hash of its encoding and it links to its
    /// predecessor; each stored checkpoint's root must be the root of the entries up to its size.
    /// </summary>
    internal static async Task<LedgerVerification> VerifyRowsAsync(
        DbDataReader reader, IReadOnlyList<StoredCheckpoint> signed, CancellationToken cancellationToken)
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
        var nextCheckpoint = 0;
        var rows = new Row[Chunk];
        var leaves = new byte[Chunk * SHA256.HashSizeInBytes];
        var intact = new bool[Chunk];
        var more = true;
        while (more)
        {
            var count = 0;
            while (count < Chunk && (more = await reader.ReadAsync(cancellationToken)))
                rows[count++] = Row.Read(reader);
            if (firstInvalid is null && problem is null)
                Parallel.For(0, count, i => intact[i] = rows[i].TryHash(leaves.AsSpan(i * SHA256.HashSizeInBytes, SHA256.HashSizeInBytes)));

            for (var i = 0; i < count; i++)
            {
                if (firstInvalid is null && problem is null)
                {
                    var row = rows[i];
                    if (!intact[i] || row.Index != expected || !string.Equals(row.PreviousHash, previousHash, StringComparison.Ordinal) ||
                        (expected == 0) != (row.Kind == LedgerBlockKind.Genesis))
                    {
                        firstInvalid = expected;
                        problem = $"Entry {expected} does not match its hash or its link to the entry before it.";
                    }
                    else
                    {
                        tree.Append(leaves.AsSpan(i * SHA256.HashSizeInBytes, SHA256.HashSizeInBytes).ToArray(), static (_, _, _) => { });
                        while (nextCheckpoint < signed.Count && signed[nextCheckpoint].Size <= tree.Size)
                        {
                            var checkpoint = signed[nextCheckpoint++];
                            if (checkpoint.Size == tree.Size && !tree.Root().AsSpan().SequenceEqual(checkpoint.Root))
                                rootProblem ??= $"The entries do not reproduce the root of the signed checkpoint of size {checkpoint.Size}.";
                        }
                    }
                }

                head = rows[i].Hash ?? "";
                previousHash = head;
                expected++;
            }
        }

        problem ??= rootProblem;
        return new LedgerVerification(problem is null, expected, head, firstInvalid, problem);
    }

    /// <summary>One stored entry as read; a value that is not even of its type leaves the row unreadable (not intact).</summary>
    private readonly record struct Row(
        long Index, DateTime Timestamp, string Kind, Guid ResourceId, string PayloadHash, string PreviousHash, string? Hash, bool Readable)
    {
        public static Row Read(DbDataReader reader)
        {
            var index = reader.GetInt64(0);
            var hash = reader.IsDBNull(6) ? null : reader.GetString(6);
            try
            {
                return new Row(index, reader.GetDateTime(1), reader.GetString(2), reader.GetGuid(3), reader.GetString(4), reader.GetString(5), hash, true);
            }
            catch (Exception e) when (e is FormatException or InvalidCastException)
            {
                return new Row(index, default, "", Guid.Empty, "", "", hash, false);
            }
        }

        /// <summary>Whether the stored hash is the SHA-256 of the entry's encoding; writes the entry's leaf hash.</summary>
        public bool TryHash(Span<byte> leaf)
        {
            if (!Readable || Hash is null || !IsHex(Hash) || !IsHex(PayloadHash) || !IsHex(PreviousHash) || Kind.Length is 0 or > 32)
                return false;
            Span<byte> computed = stackalloc byte[SHA256.HashSizeInBytes];
            Span<byte> stored = stackalloc byte[SHA256.HashSizeInBytes];
            try
            {
                LedgerEncoding.ComputeHashes(computed, leaf, Index, Timestamp, Kind, ResourceId, PayloadHash, PreviousHash);
            }
            catch (ArgumentException)
            {
                return false; // a kind edited into characters the encoding has no room for
            }

            Convert.FromHexString(Hash, stored, out _, out _);
            return computed.SequenceEqual(stored);
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

    private static bool IsHex(string value) =>
        value.Length == 64 && value.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
