using MediVault.Application.Common.Abstractions;
using MediVault.Domain.Ledger;
using MediVault.Infrastructure.Ledger;
using MediVault.Infrastructure.Ledger.Transparency;
using MediVault.UnitTests.TestSupport;
using Microsoft.Data.Sqlite;

namespace MediVault.UnitTests.Infrastructure.Ledger;

/// <summary>
/// The verifier's two ways of reading a long log (three full chunks and a partial one, over a real SQLite file): the
/// parallel fast path straight from SQLite's rows, and the ADO.NET walk that takes any stored value. For an intact log
/// and for each kind of tampering they must reach the same verdict, and each verdict is also checked on its own.
/// </summary>
public sealed class LedgerChunksTests : IAsyncLifetime
{
    private const int Entries = 3 * HashChainLedger.Chunk + 100;
    private const string EditFirstPayloadDigit =
        """UPDATE "LedgerBlocks" SET "PayloadHash" = CASE substr("PayloadHash", 1, 1) WHEN 'f' THEN 'e' ELSE 'f' END || substr("PayloadHash", 2)""";
    private SqliteTestDatabase _database = null!;
    private IReadOnlyList<byte[]> _leaves = [];

    private string ConnectionString => MediVault.Infrastructure.DependencyInjection.ConnectionString(_database.Path);

    public async Task InitializeAsync()
    {
        _database = await SqliteTestDatabase.CreateAsync();
        _leaves = await StoredChain.FillAsync(_database.Path, Entries);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        (await command.ExecuteNonQueryAsync()).Should().Be(1, sql);
    }

    private async Task<LedgerVerification> FastAsync(IReadOnlyList<StoredCheckpoint> signed) =>
        await HashChainLedger.VerifyChunksAsync(LedgerChunks.ReadInParallelAsync(ConnectionString, Entries, readers: 2, CancellationToken.None), signed, CancellationToken.None);

    private async Task<LedgerVerification> ThroughAdoNetAsync(IReadOnlyList<StoredCheckpoint> signed)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var transaction = connection.BeginTransaction(deferred: true);
        return await HashChainLedger.VerifyChunksAsync(LedgerChunks.ReadAllAsync(connection, transaction, CancellationToken.None), signed, CancellationToken.None);
    }

    private async Task<LedgerVerification> BothAgreeAsync(params StoredCheckpoint[] signed)
    {
        var fast = await FastAsync(signed);
        var slow = await ThroughAdoNetAsync(signed);
        fast.Should().BeEquivalentTo(slow);
        return fast;
    }

    private StoredCheckpoint CheckpointAt(int size) => new(size, StoredChain.RootOf(_leaves, size), Note: "");

    [Fact]
    public async Task IntactLog_IsValid_WithTheLastEntrysHash_AndReproducesCheckpointsInsideAndAtTheEndOfChunks()
    {
        var result = await BothAgreeAsync(CheckpointAt(1), CheckpointAt(HashChainLedger.Chunk), CheckpointAt(HashChainLedger.Chunk + 4097), CheckpointAt(Entries));

        result.Valid.Should().BeTrue(result.Problem);
        result.Length.Should().Be(Entries);
        result.FirstInvalidIndex.Should().BeNull();
    }

    [Fact]
    public async Task ACheckpointWhoseRootTheEntriesDoNotReproduce_IsReported()
    {
        var wrong = new StoredCheckpoint(2 * HashChainLedger.Chunk + 5, StoredChain.RootOf(_leaves, 2 * HashChainLedger.Chunk + 4), "");

        var result = await BothAgreeAsync(CheckpointAt(HashChainLedger.Chunk + 1), wrong);

        result.Valid.Should().BeFalse();
        result.FirstInvalidIndex.Should().BeNull();
        result.Problem.Should().Contain($"size {2 * HashChainLedger.Chunk + 5}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(HashChainLedger.Chunk)]
    [InlineData(HashChainLedger.Chunk + 1)]
    [InlineData(Entries)]
    public async Task ACheckpointWithAWrongRoot_InsideOrAtTheEndOfAChunk_IsReported(int size)
    {
        var wrong = new StoredCheckpoint(size, StoredChain.RootOf(_leaves, size - 1), "");

        var result = await BothAgreeAsync(wrong);

        result.Valid.Should().BeFalse();
        result.FirstInvalidIndex.Should().BeNull();
        result.Length.Should().Be(Entries);
        result.Problem.Should().Contain($"checkpoint of size {size}");
    }

    [Fact]
    public async Task OfTwoCheckpointsWithAWrongRoot_TheFirstIsNamed()
    {
        var result = await BothAgreeAsync(
            new StoredCheckpoint(5, StoredChain.RootOf(_leaves, 4), ""), new StoredCheckpoint(HashChainLedger.Chunk + 5, StoredChain.RootOf(_leaves, 4), ""));

        result.Valid.Should().BeFalse();
        result.Problem.Should().Contain("checkpoint of size 5.");
    }

    [Fact]
    public async Task AnEditedEntryAfterACheckpointWithAWrongRoot_IsWhatTheAnswerNames()
    {
        await ExecuteAsync(EditFirstPayloadDigit + """ WHERE "Index" = 9000""");

        var result = await BothAgreeAsync(new StoredCheckpoint(5, StoredChain.RootOf(_leaves, 4), ""));

        result.FirstInvalidIndex.Should().Be(9000);
        result.Problem.Should().Contain("Entry 9000");
    }

    [Theory]
    [InlineData(EditFirstPayloadDigit + """ WHERE "Index" = 9000""", 9000)]
    [InlineData(EditFirstPayloadDigit + """ WHERE "Index" = 20000""", 20000)]
    [InlineData("""UPDATE "LedgerBlocks" SET "Kind" = 'file-deleted' WHERE "Index" = 8191""", 8191)]
    [InlineData("""UPDATE "LedgerBlocks" SET "PreviousHash" = upper("PreviousHash") WHERE "Index" = 8192""", 8192)]
    [InlineData("""UPDATE "LedgerBlocks" SET "Hash" = "PreviousHash" WHERE "Index" = 24000""", 24000)]
    [InlineData("""UPDATE "LedgerBlocks" SET "Timestamp" = '2026-01-01 00:00:00.001' WHERE "Index" = 5""", 5)]
    public async Task AnEditedEntry_IsReportedAtItsIndex_ByBothPaths(string tamper, long index)
    {
        await ExecuteAsync(tamper);

        var result = await BothAgreeAsync(CheckpointAt(Entries));

        result.Valid.Should().BeFalse();
        result.FirstInvalidIndex.Should().Be(index);
        result.Length.Should().Be(Entries);
    }

    /// <summary>A forger's edit: the entry's kind or predecessor changed and its own hash recomputed to match.</summary>
    private async Task RehashAsync(long index, string? kind = null, string? previousHash = null, Func<string, string>? payloadHash = null)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var read = connection.CreateCommand();
        read.CommandText = """SELECT "Timestamp", "Kind", "ResourceId", "PayloadHash", "PreviousHash" FROM "LedgerBlocks" WHERE "Index" = $i""";
        read.Parameters.AddWithValue("$i", index);
        string newKind, newPayload, newPrevious, rehashed;
        await using (var reader = await read.ExecuteReaderAsync())
        {
            (await reader.ReadAsync()).Should().BeTrue();
            newKind = kind ?? reader.GetString(1);
            newPrevious = previousHash ?? reader.GetString(4);
            newPayload = payloadHash?.Invoke(reader.GetString(3)) ?? reader.GetString(3);
            rehashed = LedgerEncoding.ComputeHash(index, reader.GetDateTime(0), newKind, reader.GetGuid(2), newPayload, newPrevious);
        }

        await ExecuteAsync($"""UPDATE "LedgerBlocks" SET "Kind" = '{newKind}', "PayloadHash" = '{newPayload}', "PreviousHash" = '{newPrevious}', "Hash" = '{rehashed}' WHERE "Index" = {index}""");
    }

    [Fact]
    public async Task AnEntryRehashedOntoAnotherPredecessor_AtTheFirstRowOfAChunk_IsReportedThere()
    {
        const long index = 2 * HashChainLedger.Chunk;
        await RehashAsync(index, previousHash: LedgerEncoding.ZeroHash);

        var result = await BothAgreeAsync();

        result.Valid.Should().BeFalse();
        result.FirstInvalidIndex.Should().Be(index);
    }

    /// <summary>Only the first entry is the genesis entry, and the first entry is no other: a rehashed kind shows where it is.</summary>
    [Theory]
    [InlineData(0, LedgerBlockKind.FileUploaded)]
    [InlineData(HashChainLedger.Chunk + 3, LedgerBlockKind.Genesis)]
    public async Task AnEntryRehashedIntoOrOutOfTheGenesisKind_IsReportedThere(long index, string kind)
    {
        await RehashAsync(index, kind);

        var result = await BothAgreeAsync();

        result.Valid.Should().BeFalse();
        result.FirstInvalidIndex.Should().Be(index);
    }

    /// <summary>
    /// Values the writer never stores, with the entry's own hash recomputed over them: only the shape check can refuse
    /// them at their own index (the broken link to the next entry would otherwise name the index after).
    /// </summary>
    [Theory]
    [InlineData("an empty kind")]
    [InlineData("a payload hash in capitals")]
    public async Task AnEntryRehashedOverAValueTheWriterNeverStores_IsReportedThere(string value)
    {
        const long index = 12000;
        if (value == "an empty kind")
            await RehashAsync(index, kind: "");
        else
            await RehashAsync(index, payloadHash: hash => hash.ToUpperInvariant());

        var result = await BothAgreeAsync();

        result.Valid.Should().BeFalse();
        result.FirstInvalidIndex.Should().Be(index);
    }

    /// <summary>The empty tree's root is SHA-256 of nothing (RFC 6962 §2.1): a checkpoint of size 0 is checked like any other.</summary>
    [Fact]
    public async Task ACheckpointOfSizeZero_MustCarryTheEmptyTreesRoot()
    {
        var emptyRoot = System.Security.Cryptography.SHA256.HashData(ReadOnlySpan<byte>.Empty);

        var right = await BothAgreeAsync(new StoredCheckpoint(0, emptyRoot, ""), CheckpointAt(Entries));
        var wrong = await BothAgreeAsync(new StoredCheckpoint(0, StoredChain.RootOf(_leaves, 1), ""), CheckpointAt(Entries));

        right.Valid.Should().BeTrue(right.Problem);
        wrong.Valid.Should().BeFalse();
        wrong.Problem.Should().Contain("checkpoint of size 0.");
    }

    /// <summary>A range of whole chunks, or one short of them, comes out as exactly those chunks: none empty, none twice.</summary>
    [Theory]
    [InlineData(2 * HashChainLedger.Chunk)]
    [InlineData(2 * HashChainLedger.Chunk - 1)]
    public async Task ReadInParallel_GivesEachChunkOfTheRangeOnce_AndNoEmptyOne(long entries)
    {
        var sizes = new List<(long First, int Count)>();
        await foreach (var chunk in LedgerChunks.ReadInParallelAsync(ConnectionString, entries, readers: 2, CancellationToken.None))
            sizes.Add((chunk.IndexAt(0), chunk.Count));

        sizes.Should().Equal((0, HashChainLedger.Chunk), (HashChainLedger.Chunk, (int)(entries - HashChainLedger.Chunk)));
    }

    /// <summary>
    /// The fast path prepares and steps its statements through SQLite's own API, below Microsoft.Data.Sqlite's retry on a
    /// busy database. A reader opening while another connection briefly holds the database (as when the first connection
    /// after the last one closed recovers the write-ahead log) must wait for it like every other query, not fail
    /// ("database is locked" made a verification fail now and then when the readers opened together).
    /// </summary>
    [Fact]
    public async Task ReadInParallel_WhileAnotherConnectionBrieflyHoldsTheDatabase_WaitsAndReadsEverything()
    {
        await using var holder = new SqliteConnection(ConnectionString);
        await holder.OpenAsync();
        await using (var hold = holder.CreateCommand())
        {
            // A read first: a connection that enters EXCLUSIVE mode before its first access to a WAL database never leaves it.
            hold.CommandText = """SELECT count(*) FROM "LedgerBlocks"; PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; SELECT count(*) FROM "LedgerBlocks";""";
            await hold.ExecuteScalarAsync();
        }

        var reading = Task.Run(async () =>
        {
            var read = 0L;
            await foreach (var chunk in LedgerChunks.ReadInParallelAsync(ConnectionString, Entries, readers: 2, CancellationToken.None))
                read += chunk.Count;
            return read;
        });
        await Task.Delay(300);
        reading.Exception.Should().BeNull();
        reading.IsCompleted.Should().BeFalse("the readers cannot read while the database is held");
        await using (var release = holder.CreateCommand())
        {
            release.CommandText = """COMMIT; PRAGMA locking_mode = NORMAL; SELECT count(*) FROM "LedgerBlocks";""";
            await release.ExecuteScalarAsync();
        }

        (await reading).Should().Be(Entries);
    }

    /// <summary>The readers' connections go back to the pool as it gave them out: without SQLite's own busy timeout, which only the readers need.</summary>
    [Fact]
    public async Task ReadInParallel_GivesItsConnectionsBackWithoutTheBusyTimeoutItSet()
    {
        await foreach (var _ in LedgerChunks.ReadInParallelAsync(ConnectionString, Entries, readers: 2, CancellationToken.None))
        {
        }

        // Both readers' connections at once, so the pool must hand out each of them (it keeps at most those two here).
        await using var first = new SqliteConnection(ConnectionString);
        await using var second = new SqliteConnection(ConnectionString);
        await first.OpenAsync();
        await second.OpenAsync();
        foreach (var connection in new[] { first, second })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA busy_timeout";
            (await command.ExecuteScalarAsync()).Should().Be(0L);
        }
    }

    [Fact]
    public async Task OneReader_HandsItsTwoChunksBackAndForth_AndReadsTheWholeLog()
    {
        var result = await HashChainLedger.VerifyChunksAsync(
            LedgerChunks.ReadInParallelAsync(ConnectionString, Entries, readers: 1, CancellationToken.None), [CheckpointAt(Entries)], CancellationToken.None);

        result.Valid.Should().BeTrue(result.Problem);
        result.Length.Should().Be(Entries);
    }

    /// <summary>The reader waits for a chunk to be handed back when the walk fails: stopping it must not hide why the walk failed.</summary>
    [Fact]
    public async Task AWalkThatFailsAfterTheFirstChunk_EndsWithItsOwnException_NotTheReadersCancellation()
    {
        var chunks = 0;
        var walk = async () =>
        {
            await foreach (var chunk in LedgerChunks.ReadInParallelAsync(ConnectionString, Entries, readers: 1, CancellationToken.None))
            {
                chunks++;
                throw new InvalidOperationException($"The walk failed after {chunk.Count} entries.");
            }
        };

        await walk.Should().ThrowExactlyAsync<InvalidOperationException>();
        chunks.Should().Be(1);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2 * HashChainLedger.Chunk)]
    public void ReadersFor_ALogOfAtMostTwoChunks_IsOne(long entries)
    {
        LedgerChunks.ReadersFor(entries).Should().Be(1);
    }

    [Fact]
    public void ReadersFor_ALongerLog_IsOnePerCore_AtMostFour()
    {
        LedgerChunks.ReadersFor(2 * HashChainLedger.Chunk + 1).Should().Be(Math.Min(Environment.ProcessorCount, 4));
    }

    /// <summary>The same values in another shape than the writer's still hash to the stored hash: the entry is intact.</summary>
    [Theory]
    [InlineData("""UPDATE "LedgerBlocks" SET "ResourceId" = unhex(substr("ResourceId", 7, 2) || substr("ResourceId", 5, 2) || substr("ResourceId", 3, 2) || substr("ResourceId", 1, 2) || substr("ResourceId", 12, 2) || substr("ResourceId", 10, 2) || substr("ResourceId", 17, 2) || substr("ResourceId", 15, 2) || substr("ResourceId", 20, 4) || substr("ResourceId", 25, 12)) WHERE "Index" = 12001""")]
    [InlineData("""UPDATE "LedgerBlocks" SET "Timestamp" = replace("Timestamp", ' ', 'T') WHERE "Index" = 12001""")]
    [InlineData("""UPDATE "LedgerBlocks" SET "Timestamp" = "Timestamp" || '0000' WHERE "Index" = 12001""")]
    public async Task AnEntryStoredInAnotherShapeOfTheSameValues_IsIntact_ByBothPaths(string reshape)
    {
        await ExecuteAsync(reshape);

        var result = await BothAgreeAsync(CheckpointAt(Entries));

        result.Valid.Should().BeTrue(result.Problem);
    }

    [Theory]
    [InlineData("""UPDATE "LedgerBlocks" SET "Timestamp" = X'00' WHERE "Index" = 12000""")]
    [InlineData("""UPDATE "LedgerBlocks" SET "Kind" = 'a-kind-far-longer-than-any-stored-one' WHERE "Index" = 12000""")]
    [InlineData("""UPDATE "LedgerBlocks" SET "PayloadHash" = 'abc' WHERE "Index" = 12000""")]
    [InlineData("""UPDATE "LedgerBlocks" SET "ResourceId" = X'0001' WHERE "Index" = 12000""")]
    [InlineData("""UPDATE "LedgerBlocks" SET "Hash" = 'é' || substr("Hash", 2) WHERE "Index" = 12000""")]
    public async Task AnEntryInAnUnusualShape_SendsTheFastPathBack_AndTheAdoNetWalkReportsIt(string tamper)
    {
        await ExecuteAsync(tamper);

        var fast = async () => await FastAsync([]);

        await fast.Should().ThrowAsync<StoredEntryChunk.UnusualRowException>();
        var result = await ThroughAdoNetAsync([]);
        result.Valid.Should().BeFalse();
        result.FirstInvalidIndex.Should().Be(12000);
    }
}
