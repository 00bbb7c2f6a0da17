using MediVault.Domain.Audit;
using MediVault.Domain.Ledger;
using MediVault.Infrastructure.Persistence;
using MediVault.UnitTests.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace MediVault.UnitTests.Infrastructure.Persistence;

/// <summary>
/// When the group commit may insert a request's changes itself and when it must leave them to SaveChanges, over a real
/// SQLite file. That a row inserted directly is stored exactly as SaveChanges stores it is checked on both engines by the
/// integration suite's AppendOnlyRowsTests.
/// </summary>
public sealed class AppendOnlyRowsTests : IAsyncLifetime
{
    private static readonly DateTime At = new(2026, 12, 5, 5, 0, 0, DateTimeKind.Utc);
    private SqliteTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await SqliteTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private static AccessLogEntry AccessRow(string actorName = "Emergency responder") =>
        AccessLogEntry.Create(Guid.CreateVersion7(), At, AccessAction.QrAccessed, null, actorName, ActorRole.Emergency, "qr-code",
            Guid.CreateVersion7(), null, null, AccessOutcome.Success);

    /// <summary>Runs <see cref="AppendOnlyRows.SaveAsync"/> for <paramref name="db"/> in a transaction on its own connection, then commits; answers whether SaveChanges ran.</summary>
    private static async Task<bool> SaveAsync(AppDbContext db)
    {
        var saveChangesRan = false;
        db.SavingChanges += (_, _) => saveChangesRan = true;
        await db.Database.OpenConnectionAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        await AppendOnlyRows.For(db).SaveAsync(db, db.Database.GetDbConnection(), transaction.GetDbTransaction(), CancellationToken.None);
        await transaction.CommitAsync();
        return saveChangesRan;
    }

    private async Task<List<string>> StoredActorNamesAsync()
    {
        await using var db = _database.NewContext();
        return await db.AccessLogEntries.Select(e => e.ActorName).OrderBy(name => name).ToListAsync();
    }

    [Fact]
    public async Task Save_OnlyNewAccessLogRows_InsertsThemWithoutSaveChanges_AndLeavesThemPending()
    {
        await using var db = _database.NewContext();
        var first = AccessRow("first");
        var second = AccessRow("second");
        db.AccessLogEntries.AddRange(first, second);

        var saveChangesRan = await SaveAsync(db);

        saveChangesRan.Should().BeFalse();
        (await StoredActorNamesAsync()).Should().Equal("first", "second");
        db.Entry(first).State.Should().Be(EntityState.Added, "as with SaveChanges(acceptAllChangesOnSuccess: false), the caller accepts them once its group commits");
    }

    [Fact]
    public async Task Save_NothingPending_SavesNothing()
    {
        await using var db = _database.NewContext();

        var saveChangesRan = await SaveAsync(db);

        saveChangesRan.Should().BeFalse();
        (await StoredActorNamesAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Save_ATrackedRowEditedBehindTheTrackersBack_GoesThroughSaveChanges_WhichFindsTheEdit()
    {
        await _database.StoreAsync(AccessRow("before"));

        await using var db = _database.NewContext();
        var tracked = await db.AccessLogEntries.SingleAsync();
        typeof(AccessLogEntry).GetProperty(nameof(AccessLogEntry.ActorName))!.SetValue(tracked, "after"); // only change detection sees this
        db.AccessLogEntries.Add(AccessRow("new"));

        var saveChangesRan = await SaveAsync(db);

        saveChangesRan.Should().BeTrue();
        (await StoredActorNamesAsync()).Should().Equal("after", "new");
    }

    [Fact]
    public async Task Save_ANewRowOfAnotherTable_GoesThroughSaveChanges()
    {
        await using var db = _database.NewContext();
        db.AccessLogEntries.Add(AccessRow("row"));
        db.LedgerBlocks.Add(LedgerBlock.Create(7, At, "file-uploaded", Guid.CreateVersion7(), Guid.CreateVersion7(),
            new string('a', 64), new string('b', 64), new string('c', 64)));

        var saveChangesRan = await SaveAsync(db);

        saveChangesRan.Should().BeTrue();
        (await StoredActorNamesAsync()).Should().Equal("row");
        await using var check = _database.NewContext();
        (await check.LedgerBlocks.Select(b => b.Index).ToListAsync()).Should().Equal(7L);
    }

    [Fact]
    public async Task Save_ARowWhoseKeyIsTaken_FailsAsSaveChangesWould_AndInsertsNothing()
    {
        var taken = await _database.StoreAsync(AccessRow("taken"));

        await using var db = _database.NewContext();
        db.AccessLogEntries.Add(AccessRow("fresh"));
        db.Entry(taken).State = EntityState.Added; // the same id again

        var save = () => SaveAsync(db);

        (await save.Should().ThrowAsync<DbUpdateException>()).WithInnerException<SqliteException>()
            .Which.SqliteErrorCode.Should().Be(19, "SQLITE_CONSTRAINT, which the web layer answers 409 as it does for SaveChanges");
        (await StoredActorNamesAsync()).Should().Equal("taken");
    }
}
