using System.Data.Common;
using System.Security.Cryptography;
using MediVault.Application.Common.Abstractions;
using MediVault.Domain.Ledger;
using MediVault.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace MediVault.Infrastructure.Ledger;

/// <summary>The ledger kept in the LedgerBlocks table of the app's SQLite database. Format: docs/ledger.md.</summary>
internal sealed class HashChainLedger(AppDbContext db, LedgerAppendGate gate, TimeProvider clock) : ILedger
{
    public async Task<LedgerBlock> CommitAsync(LedgerEvent ledgerEvent, Action<LedgerBlock>? beforeSave, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ledgerEvent);
        using var turn = await gate.EnterAsync(cancellationToken);
        return await SqliteTransientRetry.Pipeline.ExecuteAsync(
            async ct => await AppendAsync(ledgerEvent, beforeSave, ct), cancellationToken);
    }

    /// <summary>Creates the genesis block when the chain is empty. Run at start-up.</summary>
    public async Task EnsureGenesisAsync(CancellationToken cancellationToken)
    {
        using var turn = await gate.EnterAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await db.LedgerBlocks.AnyAsync(cancellationToken))
            return;
        db.LedgerBlocks.Add(Genesis());
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private async ValueTask<LedgerBlock> AppendAsync(LedgerEvent ledgerEvent, Action<LedgerBlock>? beforeSave, CancellationToken cancellationToken)
    {
        // BEGIN IMMEDIATE: the write lock is taken before the head is read, so the head cannot move under us.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var added = new List<EntityEntry<LedgerBlock>>(2);
        try
        {
            var head = await db.LedgerBlocks.AsNoTracking()
                .OrderByDescending(b => b.Index)
                .Select(b => new { b.Index, b.Hash })
                .FirstOrDefaultAsync(cancellationToken);
            long nextIndex;
            string previousHash;
            if (head is null)
            {
                var genesis = Genesis();
                added.Add(db.LedgerBlocks.Add(genesis));
                (nextIndex, previousHash) = (1, genesis.Hash);
            }
            else
            {
                (nextIndex, previousHash) = (head.Index + 1, head.Hash);
            }

            var block = Build(nextIndex, ledgerEvent.Kind, ledgerEvent.ResourceId, ledgerEvent.SubjectId, ledgerEvent.PayloadHash, previousHash);
            added.Add(db.LedgerBlocks.Add(block));
            beforeSave?.Invoke(block);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return block;
        }
        catch
        {
            // Forget the blocks of the failed attempt; a retry reads the head again. The caller's own changes stay pending.
            foreach (var entry in added)
                entry.State = EntityState.Detached;
            throw;
        }
    }

    public async Task<LedgerVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
            await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText =
                """SELECT "Index", "Timestamp", "Kind", "ResourceId", "PayloadHash", "PreviousHash", "Hash" FROM "LedgerBlocks" ORDER BY "Index" """;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await VerifyRowsAsync(reader, cancellationToken);
        }
        finally
        {
            if (opened)
                await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Walks the rows once, oldest first, keeping only the previous hash: constant memory for any length.
    /// A block is valid when its index is the next one, its hash is the hash of its encoding and it links to its predecessor.
    /// </summary>
    internal static async Task<LedgerVerification> VerifyRowsAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        long expected = 0;
        long? firstInvalid = null;
        var previousHash = LedgerEncoding.ZeroHash;
        var head = "";
        var computed = new byte[SHA256.HashSizeInBytes];
        var stored = new byte[SHA256.HashSizeInBytes];
        while (await reader.ReadAsync(cancellationToken))
        {
            if (firstInvalid is null)
            {
                var index = reader.GetInt64(0);
                var valid = index == expected && IsIntact(reader, index, previousHash, computed, stored);
                if (!valid)
                    firstInvalid = expected;
            }
            head = reader.GetString(6);
            previousHash = head;
            expected++;
        }

        return new LedgerVerification(firstInvalid is null, expected, head, firstInvalid);
    }

    private static bool IsIntact(DbDataReader reader, long index, string expectedPrevious, byte[] computed, byte[] stored)
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
            LedgerEncoding.ComputeHash(computed, index, reader.GetDateTime(1), kind, reader.GetGuid(3), payloadHash, previousHash);
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

    private LedgerBlock Genesis() =>
        Build(0, LedgerBlockKind.Genesis, Guid.Empty, Guid.Empty, LedgerEncoding.ZeroHash, LedgerEncoding.ZeroHash);

    private LedgerBlock Build(long index, string kind, Guid resourceId, Guid subjectId, string payloadHash, string previousHash)
    {
        if (kind.Length is 0 or > 32 || !kind.All(c => c is >= 'a' and <= 'z' or '-'))
            throw new ArgumentException("A block kind is 1 to 32 characters of a-z and '-'.", nameof(kind));
        var timestamp = LedgerEncoding.Truncate(clock.GetUtcNow().UtcDateTime);
        var hash = LedgerEncoding.ComputeHash(index, timestamp, kind, resourceId, payloadHash, previousHash);
        return LedgerBlock.Create(index, timestamp, kind, resourceId, subjectId, payloadHash, previousHash, hash);
    }

    private static bool IsHex(string value) =>
        value.Length == 64 && value.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
