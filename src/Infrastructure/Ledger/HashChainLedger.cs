using System.Data.Common;
using System.Security.Cryptography;
using MediVault.Application.Common.Abstractions;
using MediVault.Domain.Ledger;
using MediVault.Infrastructure.Ledger.Transparency;
using MediVault.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Infrastructure.Ledger;

/// <summary>
/// The ledger kept in the LedgerBlocks table of the app's SQLite database, with its RFC 6962 Merkle tree and signed
/// checkpoints. Format: docs/ledger.md.
/// </summary>
internal sealed class HashChainLedger(AppDbContext db, LedgerWriter writer, CheckpointLog checkpoints) : ILedger
{
    public async Task<LedgerBlock> CommitAsync(LedgerEvent ledgerEvent, Action<LedgerBlock>? beforeSave, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ledgerEvent);
        cancellationToken.ThrowIfCancellationRequested();
        return await SqliteTransientRetry.Pipeline.ExecuteAsync(
            async _ => (await writer.AppendAsync(db, ledgerEvent, beforeSave))!, cancellationToken);
    }

    public async Task<LedgerBlock?> CommitIfAsync(
        LedgerEvent ledgerEvent, Func<CancellationToken, Task<bool>> condition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ledgerEvent);
        cancellationToken.ThrowIfCancellationRequested();
        return await SqliteTransientRetry.Pipeline.ExecuteAsync(
            async _ => await writer.AppendAsync(db, ledgerEvent, null, condition), cancellationToken);
    }

    /// <summary>Creates the genesis entry when the log is empty and gives existing entries their leaves. Run at start-up.</summary>
    public async Task EnsureGenesisAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await writer.AppendAsync(db, null, null);
    }

    public async Task<LedgerVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(db.Database.GetConnectionString());
        await connection.OpenAsync(cancellationToken);
        // A deferred transaction reads one snapshot: the entries, the tree and the checkpoints as of the same commit.
        await using var transaction = connection.BeginTransaction(deferred: true);
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

    /// <summary>
    /// Walks the rows once, oldest first, keeping only the previous hash and the tree's right edge: memory is O(log n)
    /// for any length. An entry is valid when its index is the next one, its hash is the hash of its encoding and it
    /// links to its predecessor; each stored checkpoint's root must be the root of the entries up to its size.
    /// </summary>
    internal static async Task<LedgerVerification> VerifyRowsAsync(
        DbDataReader reader, IReadOnlyList<StoredCheckpoint> signed, CancellationToken cancellationToken)
    {
        long expected = 0;
        long? firstInvalid = null;
        string? problem = null;
        var previousHash = LedgerEncoding.ZeroHash;
        var head = "";
        var computed = new byte[SHA256.HashSizeInBytes];
        var stored = new byte[SHA256.HashSizeInBytes];
        var tree = new TreeFrontier();
        var nextCheckpoint = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            if (firstInvalid is null && problem is null)
            {
                var index = reader.GetInt64(0);
                var leaf = new byte[SHA256.HashSizeInBytes];
                var valid = index == expected && IsIntact(reader, index, previousHash, computed, leaf, stored);
                if (!valid)
                {
                    firstInvalid = expected;
                    problem = $"Entry {expected} does not match its hash or its link to the entry before it.";
                }
                else
                {
                    tree.Append(leaf, static (_, _, _) => { });
                    while (nextCheckpoint < signed.Count && signed[nextCheckpoint].Size <= tree.Size)
                    {
                        var checkpoint = signed[nextCheckpoint++];
                        if (checkpoint.Size == tree.Size && !tree.Root().AsSpan().SequenceEqual(checkpoint.Root))
                            problem = $"The entries do not reproduce the root of the signed checkpoint of size {checkpoint.Size}.";
                    }
                }
            }

            head = reader.GetString(6);
            previousHash = head;
            expected++;
        }

        return new LedgerVerification(problem is null, expected, head, firstInvalid, problem);
    }

    private static bool IsIntact(DbDataReader reader, long index, string expectedPrevious, byte[] computed, byte[] leaf, byte[] stored)
    {
        try
        {
            var kind = reader.GetString(2);
            var payloadHash = reader.GetString(4);
            var previousHash = reader.GetString(5);
            var hash = reader.GetString(6);
            if (!string.Equals(previousHash, expectedPrevious, StringComparison.Ordinal) || !IsHex(hash) || !IsHex(payloadHash) ||
                !IsHex(previousHash) || kind.Length is 0 or > 32 || (index == 0) != (kind == LedgerBlockKind.Genesis))
                return false;
            LedgerEncoding.ComputeHashes(computed, leaf, index, reader.GetDateTime(1), kind, reader.GetGuid(3), payloadHash, previousHash);
            Convert.FromHexString(hash, stored, out _, out _);
            return computed.AsSpan().SequenceEqual(stored);
        }
        catch (FormatException)
        {
            return false; // a value edited into something that is not even of its type
        }
        catch (InvalidCastException)
        {
            return false;
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
