using MediVault.Application.Common.Abstractions;
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

    [Fact]
    public async Task AnEntryRehashedOntoAnotherPredecessor_AtTheFirstRowOfAChunk_IsReportedThere()
    {
        const long index = 2 * HashChainLedger.Chunk;
        await using (var connection = new SqliteConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var read = connection.CreateCommand();
            read.CommandText = """SELECT "Timestamp", "Kind", "ResourceId", "PayloadHash" FROM "LedgerBlocks" WHERE "Index" = $i""";
            read.Parameters.AddWithValue("$i", index);
            await using var reader = await read.ExecuteReaderAsync();
            (await reader.ReadAsync()).Should().BeTrue();
            var rehashed = LedgerEncoding.ComputeHash(index, reader.GetDateTime(0), reader.GetString(1), reader.GetGuid(2), reader.GetString(3), LedgerEncoding.ZeroHash);
            await ExecuteAsync($"""UPDATE "LedgerBlocks" SET "PreviousHash" = '{LedgerEncoding.ZeroHash}', "Hash" = '{rehashed}' WHERE "Index" = {index}""");
        }

        var result = await BothAgreeAsync();

        result.Valid.Should().BeFalse();
        result.FirstInvalidIndex.Should().Be(index);
    }

    [Theory]
    [InlineData("""UPDATE "LedgerBlocks" SET "Timestamp" = X'00' WHERE "Index" = 12000""")]
    [InlineData("""UPDATE "LedgerBlocks" SET "Kind" = 'a-kind-far-longer-than-any-stored-one' WHERE "Index" = 12000""")]
    [InlineData("""UPDATE "LedgerBlocks" SET "PayloadHash" = 'abc' WHERE "Index" = 12000""")]
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
