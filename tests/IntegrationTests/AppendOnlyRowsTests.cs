using System.Data.Common;
using MediVault.Domain.Audit;
using MediVault.Domain.Ledger;
using MediVault.Infrastructure.Persistence;
using MediVault.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace MediVault.IntegrationTests;

/// <summary>
/// The group commit inserts ledger entries and access-log rows itself, without SaveChanges (docs/performance.md,
/// "Fourteenth session"). On the configured engine (SQLite, or PostgreSQL in the second configuration), a row inserted
/// that way must be stored exactly as SaveChanges stores the same row: every column's value and stored type, read back
/// untyped. Two rows with the same values apart from their key are saved each way and compared column by column.
/// </summary>
public sealed class AppendOnlyRowsTests(MediVaultFactory factory) : IClassFixture<MediVaultFactory>
{
    private static readonly DateTime At = new(2026, 12, 5, 4, 30, 15, 123, 456, DateTimeKind.Utc);

    [Fact]
    public async Task LedgerEntry_InsertedDirectly_IsStoredAsSaveChangesStoresIt()
    {
        var viaSaveChanges = Block(1_000_001);
        var direct = Block(1_000_002);

        await SaveBothAsync(viaSaveChanges, (db, connection, transaction) =>
            AppendOnlyRows.For(db).InsertAsync(connection, transaction, direct, CancellationToken.None));

        var stored = await ReadAsync("LedgerBlocks", "Index", viaSaveChanges.Index, direct.Index);
        stored[Key(direct.Index)].Should().BeEquivalentTo(stored[Key(viaSaveChanges.Index)], options => options.WithStrictOrdering());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // the nullable columns empty
    public async Task AccessLogRow_InsertedDirectly_IsStoredAsSaveChangesStoresIt(bool everyColumnFilled)
    {
        var viaSaveChanges = AccessRow(everyColumnFilled);
        var direct = AccessRow(everyColumnFilled);

        await SaveBothAsync(viaSaveChanges, (db, connection, transaction) =>
        {
            db.AccessLogEntries.Add(direct);
            return AppendOnlyRows.For(db).SaveAsync(db, connection, transaction, CancellationToken.None);
        });

        var stored = await ReadAsync("AccessLogEntries", "Id", viaSaveChanges.Id, direct.Id);
        stored[Key(direct.Id)].Should().BeEquivalentTo(stored[Key(viaSaveChanges.Id)], options => options.WithStrictOrdering());
        stored[Key(direct.Id)].Should().Contain(c => c.Column == "Action" && Equals(c.Value, "QrAccessed"), "enums are stored by name")
            .And.Contain(c => c.Column == "Outcome" && Equals(c.Value, "Denied"));
    }

    private static LedgerBlock Block(long index) =>
        LedgerBlock.Create(index, At, "file-uploaded", Guid.Parse("0190d3a0-0000-7000-8000-0000000000ef"),
            Guid.Parse("0190d3a0-0000-7000-8000-00000000abcd"), new string('a', 64), new string('b', 64), new string('c', 64));

    private static AccessLogEntry AccessRow(bool everyColumnFilled) =>
        AccessLogEntry.Create(
            Guid.Parse("0190d3a0-0000-7000-8000-000000000001"), At, AccessAction.QrAccessed,
            everyColumnFilled ? Guid.Parse("0190d3a0-0000-7000-8000-000000000002") : null, "Emergency responder", ActorRole.Emergency,
            "qr-code", everyColumnFilled ? Guid.Parse("0190d3a0-0000-7000-8000-000000000003") : null,
            everyColumnFilled ? "203.0.113.9" : null, everyColumnFilled ? "Mozilla/5.0 (test)" : null, AccessOutcome.Denied);

    /// <summary>Saves <paramref name="viaSaveChanges"/> with SaveChanges, then runs <paramref name="direct"/> in a transaction of its own.</summary>
    private async Task SaveBothAsync(object viaSaveChanges, Func<AppDbContext, DbConnection, DbTransaction, Task> direct)
    {
        await factory.InDatabase(async db =>
        {
            db.Add(viaSaveChanges);
            return await db.SaveChangesAsync();
        });
        await factory.InDatabase(async db =>
        {
            await db.Database.OpenConnectionAsync();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await direct(db, db.Database.GetDbConnection(), transaction.GetDbTransaction());
            await transaction.CommitAsync();
            return 0;
        });
    }

    private static string Key(Guid id) => id.ToString("D").ToUpperInvariant();

    private static string Key(long index) => index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Every column of the two rows, untyped as the driver reads them (value and CLR type), keyed by the key's text.</summary>
    private Task<Dictionary<string, List<(string Column, object Value)>>> ReadAsync(string table, string keyColumn, params object[] keys) =>
        factory.InDatabase(db => ReadAsync(db, table, keyColumn, keys));

    private static async Task<Dictionary<string, List<(string Column, object Value)>>> ReadAsync(
        AppDbContext db, string table, string keyColumn, object[] keys)
    {
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"""SELECT * FROM "{table}" """;
        await using var reader = await command.ExecuteReaderAsync();
        var wanted = keys.Select(k => k is Guid g ? Key(g) : Key(Convert.ToInt64(k, System.Globalization.CultureInfo.InvariantCulture))).ToHashSet();
        var rows = new Dictionary<string, List<(string, object)>>();
        while (await reader.ReadAsync())
        {
            var key = reader.GetValue(reader.GetOrdinal(keyColumn)) switch
            {
                Guid g => Key(g),
                string s => s.ToUpperInvariant(),
                var other => Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture)!,
            };
            if (!wanted.Contains(key))
                continue;
            var columns = new List<(string, object)>();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                if (reader.GetName(i) != keyColumn)
                    columns.Add((reader.GetName(i), reader.GetValue(i)));
            }

            rows[key] = columns;
        }

        rows.Keys.Should().BeEquivalentTo(wanted, "both rows are stored");
        return rows;
    }
}
