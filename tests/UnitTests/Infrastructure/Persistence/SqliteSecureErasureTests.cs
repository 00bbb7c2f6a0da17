using MediVault.Infrastructure.Persistence;
using MediVault.UnitTests.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace MediVault.UnitTests.Infrastructure.Persistence;

public sealed class SqliteSecureErasureTests : IAsyncLifetime, IDisposable
{
    private SqliteTestDatabase _database = null!;

    // An idle connection of the test's own, outside the pool, that has read once: SQLite deletes the write-ahead log when the last connection
    // closes, and another test class disposing its database clears every pool (ClearAllPools), which made the WAL vanish
    // before the first assertion under parallel runs. Idle, it holds no snapshot, so it does not stop a checkpoint.
    private SqliteConnection _keepsTheLogOpen = null!;

    public async Task InitializeAsync()
    {
        _database = await SqliteTestDatabase.CreateAsync();
        _keepsTheLogOpen = new SqliteConnection($"Data Source={_database.Path};Pooling=False");
        await _keepsTheLogOpen.OpenAsync();
        // SQLite opens the log and its index only at a connection's first read; an opened connection that never read
        // does not count, and the last one that did deletes the log when it closes (seen once in CI).
        await using (var read = _keepsTheLogOpen.CreateCommand())
        {
            read.CommandText = "SELECT count(*) FROM sqlite_master;";
            await read.ExecuteScalarAsync();
        }
        await using var db = _database.NewContext();
        // Something in the write-ahead log, as after any commit.
        await db.Database.ExecuteSqlRawAsync("""CREATE TABLE "Scratch" ("Value" BLOB); INSERT INTO "Scratch" VALUES (randomblob(5000));""");
    }

    public async Task DisposeAsync()
    {
        await _keepsTheLogOpen.DisposeAsync();
        await _database.DisposeAsync();
    }

    public void Dispose() => _keepsTheLogOpen.Dispose();

    private string WalPath => _database.Path + "-wal";

    [Fact]
    public async Task Erase_NoOtherConnection_EmptiesTheWriteAheadLog()
    {
        new FileInfo(WalPath).Length.Should().BePositive();
        var logger = new ListLogger<SqliteSecureErasure>();
        await using var db = _database.NewContext();

        await new SqliteSecureErasure(db, logger).EraseRemovedDataAsync(CancellationToken.None);

        new FileInfo(WalPath).Length.Should().Be(0);
        logger.Entries.Should().BeEmpty();
    }

    [Fact]
    public async Task Erase_WhileAnotherConnectionReadsAnOlderSnapshot_WarnsAndDoesNotThrow()
    {
        // A reader inside a transaction pins the current snapshot; a later commit cannot then be checkpointed fully.
        await using var reader = new SqliteConnection($"Data Source={_database.Path}");
        await reader.OpenAsync();
        using var snapshot = reader.BeginTransaction(deferred: true);
        await using (var read = reader.CreateCommand())
        {
            read.Transaction = snapshot;
            read.CommandText = """SELECT count(*) FROM "Scratch";""";
            await read.ExecuteScalarAsync();
        }
        await using (var writer = _database.NewContext())
            await writer.Database.ExecuteSqlRawAsync("""INSERT INTO "Scratch" VALUES (randomblob(5000));""");
        var logger = new ListLogger<SqliteSecureErasure>();
        await using var db = _database.NewContext();

        var erase = () => new SqliteSecureErasure(db, logger).EraseRemovedDataAsync(CancellationToken.None);

        await erase.Should().NotThrowAsync();
        logger.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning);
        new FileInfo(WalPath).Length.Should().BePositive("the log keeps what the reader may still need");
    }
}
