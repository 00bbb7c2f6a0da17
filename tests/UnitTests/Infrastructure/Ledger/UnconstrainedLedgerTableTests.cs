using MediVault.Infrastructure.Ledger;
using MediVault.UnitTests.TestSupport;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace MediVault.UnitTests.Infrastructure.Ledger;

/// <summary>
/// Values the real LedgerBlocks table cannot hold (its columns are NOT NULL and have TEXT affinity), in a copy of a valid
/// chain kept in a table with no constraints and no affinity: a missing stored hash, an id stored as a number, and no
/// rows at all. Both ways of reading a chunk (SQLite's rows straight into <see cref="StoredEntryChunk"/>, and the
/// ADO.NET walk's <see cref="RowChunk"/>) must judge them the same way.
/// </summary>
public sealed class UnconstrainedLedgerTableTests : IAsyncLifetime
{
    private SqliteTestDatabase _source = null!;

    /// <summary>A second database file in the source's temp folder, removed with it.</summary>
    private string ConnectionString => new SqliteConnectionStringBuilder { DataSource = _source.Path + ".unconstrained", Pooling = false }.ToString();

    public async Task InitializeAsync()
    {
        _source = await SqliteTestDatabase.CreateAsync();
        await StoredChain.FillAsync(_source.Path, 3);
        await ExecuteAsync("""CREATE TABLE "LedgerBlocks" ("Index" INTEGER PRIMARY KEY, "Timestamp", "Kind", "ResourceId", "PayloadHash", "PreviousHash", "Hash")""");
        await ExecuteAsync($"""
            ATTACH DATABASE '{_source.Path.Replace("'", "''", StringComparison.Ordinal)}' AS source;
            INSERT INTO "LedgerBlocks" SELECT "Index", "Timestamp", "Kind", "ResourceId", "PayloadHash", "PreviousHash", "Hash" FROM source."LedgerBlocks";
            DETACH DATABASE source;
            """);
    }

    public async Task DisposeAsync() => await _source.DisposeAsync();

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The fast path's read of rows 0..2 into <paramref name="chunk"/>, through the statement its readers prepare.</summary>
    private void Fill(StoredEntryChunk chunk, string query = LedgerChunks.RangeQuery)
    {
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        var statement = StoredEntryChunk.Prepare(connection, query);
        try
        {
            chunk.Fill(statement, 0, 3);
        }
        finally
        {
            raw.sqlite3_finalize(statement);
        }
    }

    /// <summary>What the ADO.NET walk yields, each chunk judged by <paramref name="judge"/> while it is current (the walk reuses it).</summary>
    private async Task<int> WalkAsync(Action<ILedgerChunk> judge)
    {
        await using var connection = await OpenAsync();
        await using var transaction = connection.BeginTransaction(deferred: true);
        var chunks = 0;
        await foreach (var chunk in LedgerChunks.ReadAllAsync(connection, transaction, CancellationToken.None))
        {
            chunks++;
            judge(chunk);
        }

        return chunks;
    }

    private static bool Hashes(ILedgerChunk chunk, int row) => chunk.TryHash(row, stackalloc byte[32]);

    /// <summary>The table again without its primary key, so that "Index" takes any value and any number of rows.</summary>
    private Task WithoutAPrimaryKeyAsync() => ExecuteAsync("""
        ALTER TABLE "LedgerBlocks" RENAME TO "Keyed";
        CREATE TABLE "LedgerBlocks" ("Index", "Timestamp", "Kind", "ResourceId", "PayloadHash", "PreviousHash", "Hash");
        INSERT INTO "LedgerBlocks" SELECT * FROM "Keyed";
        DROP TABLE "Keyed";
        """);

    [Fact]
    public async Task AnIntactCopy_IsJudgedIntact_ByBothChunks()
    {
        var stored = new StoredEntryChunk();
        Fill(stored);

        stored.Count.Should().Be(3);
        var chunks = await WalkAsync(walked =>
        {
            walked.Count.Should().Be(3);
            foreach (var chunk in new[] { stored, walked })
            {
                Enumerable.Range(0, 3).Should().OnlyContain(row => Hashes(chunk, row));
                chunk.LinksToPreviousRow(1).Should().BeTrue();
                chunk.LinksToPreviousRow(2).Should().BeTrue();
                chunk.HashAt(2).Should().MatchRegex("^[0-9a-f]{64}$");
            }
        });
        chunks.Should().Be(1);
    }

    [Fact]
    public async Task AMissingStoredHash_ReadsAsEmpty_NeverHashes_AndNoRowLinksToIt()
    {
        // The fast path's chunk is filled with the intact rows first, so row 1's slot still holds its old hash, which row 2
        // links to: only the missing-hash flag can keep row 2 from linking to a value that is no longer stored.
        var stored = new StoredEntryChunk();
        Fill(stored);
        stored.LinksToPreviousRow(2).Should().BeTrue();
        await ExecuteAsync("""UPDATE "LedgerBlocks" SET "Hash" = NULL WHERE "Index" = 1""");

        Fill(stored);

        stored.Count.Should().Be(3);
        await WalkAsync(walked =>
        {
            foreach (var chunk in new[] { stored, walked })
            {
                chunk.HashAt(1).Should().BeEmpty();
                Hashes(chunk, 1).Should().BeFalse();
                chunk.LinksToPreviousRow(2).Should().BeFalse();
                Hashes(chunk, 0).Should().BeTrue("the rows around it are untouched");
                Hashes(chunk, 2).Should().BeTrue();
            }
        });
    }

    [Fact]
    public async Task AnIdStoredAsANumber_SendsTheFastPathBack_AndTheWalkFindsTheEntryUnreadable()
    {
        await ExecuteAsync("""UPDATE "LedgerBlocks" SET "ResourceId" = 42 WHERE "Index" = 2""");

        var fill = () => Fill(new StoredEntryChunk());

        fill.Should().Throw<StoredEntryChunk.UnusualRowException>().WithMessage("*entry 2 *");
        await WalkAsync(walked =>
        {
            Hashes(walked, 1).Should().BeTrue();
            Hashes(walked, 2).Should().BeFalse();
        });
    }

    [Fact]
    public async Task AnEmptyTable_GivesTheWalkNoChunk()
    {
        await ExecuteAsync("""DELETE FROM "LedgerBlocks" """);

        var chunks = await WalkAsync(_ => { });

        chunks.Should().Be(0, "an empty chunk at the end of a walk would be an entry-less chunk handed to the verifier");
    }

    [Fact]
    public async Task AnIndexStoredAsAFraction_SendsTheFastPathBack()
    {
        await WithoutAPrimaryKeyAsync();
        await ExecuteAsync("""UPDATE "LedgerBlocks" SET "Index" = 1.5 WHERE "Index" = 1""");

        var fill = () => Fill(new StoredEntryChunk());

        fill.Should().Throw<StoredEntryChunk.UnusualRowException>();
    }

    [Fact]
    public async Task MoreRowsInARangeThanAChunkHolds_SendTheFastPathBack_NamingTheFirstRowBeyondIt()
    {
        // Only a table without a primary key can hold two rows of one index: here entry 0 is stored 8,191 more times.
        await WithoutAPrimaryKeyAsync();
        await ExecuteAsync($"""
            WITH RECURSIVE copies(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM copies WHERE n < {HashChainLedger.Chunk - 1})
            INSERT INTO "LedgerBlocks" SELECT "LedgerBlocks".* FROM "LedgerBlocks", copies WHERE "Index" = 0
            """);

        var fill = () => Fill(new StoredEntryChunk());

        fill.Should().Throw<StoredEntryChunk.UnusualRowException>().WithMessage($"*entry {HashChainLedger.Chunk} *");
    }

    [Fact]
    public void Prepare_AQuerySQLiteRefuses_ThrowsItsError()
    {
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();

        var prepare = () => StoredEntryChunk.Prepare(connection, """SELECT "Index" FROM "NoSuchTable" """);

        prepare.Should().Throw<SqliteException>().WithMessage("*no such table*");
    }

    [Fact]
    public void Fill_AStepThatFails_ThrowsItsError()
    {
        // abs() of the smallest 64-bit integer fails while the row is computed, not when the statement is prepared.
        var fill = () => Fill(new StoredEntryChunk(), "SELECT abs(-9223372036854775807 - 1 + ?1 * ?2)");

        fill.Should().Throw<SqliteException>().WithMessage("*integer overflow*");
    }
}
