using System.Data.Common;
using System.Globalization;
using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Persistence;
using MediVault.Infrastructure.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace MediVault.Infrastructure.Maintenance;

/// <summary>What <c>migrate</c> moved.</summary>
public sealed record MigrationReport(int Tables, long Rows, int Blobs, long BlobBytes, long LedgerLength, string LedgerHeadHash);

/// <summary>
/// Moves an embedded vault (the data directory's SQLite file and its <c>blobs/</c>) into an empty PostgreSQL database
/// and an empty bucket: every table of the model row by row with its ids (PostgreSQL's COPY), and every live file's
/// blob as the ciphertext it is (the store never sees plaintext). The source is only read. The blobs go first; the rows
/// go in one transaction, committed last, so a failure leaves the database empty and removes the blobs it copied.
/// docs/deployment.md, "Moving a vault"; decisions §113.
/// </summary>
public static class VaultMigration
{
    /// <summary>The source is a data directory with a SQLite vault and its blobs, as the app runs by default.</summary>
    public static void RequireEmbeddedSource(Configuration.MediVaultOptions options, StorageOptions storage, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(storage);
        if (!DatabaseProviderNames.IsSqlite(options.Database.Provider) || storage.UsesS3)
            throw new MaintenanceException("migrate moves an embedded vault (SQLite and the data directory's blobs); the configured source is not one.");
        if (!File.Exists(DataDirectoryLayout.Of(dataDirectory).DatabasePath))
            throw new MaintenanceException($"No vault in {dataDirectory} (no medivault.db): point --MediVault:DataDirectory at the data directory the app runs on.");
    }

    /// <summary>
    /// Runs the move. <paramref name="target"/> is the service provider of an instance configured on the target (the
    /// PostgreSQL provider and the s3 storage provider), never started.
    /// </summary>
    public static async Task<MigrationReport> RunAsync(string sourceDataDirectory, IServiceProvider target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var source = DataDirectoryLayout.Of(sourceDataDirectory);
        if (!File.Exists(source.DatabasePath))
            throw new MaintenanceException($"No vault to move: {source.DatabasePath} does not exist. Point --MediVault:DataDirectory at the data directory the app runs on.");
        var database = target.GetRequiredService<DatabaseProvider>();
        if (database.Name != DatabaseProviderNames.Postgres)
            throw new MaintenanceException("The target of migrate is a PostgreSQL database.");
        var blobs = target.GetRequiredService<IBlobBackend>();
        if (blobs is not S3BlobBackend)
            throw new MaintenanceException("The target of migrate is an S3 bucket.");

        await using var scope = target.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var tables = TablesInInsertOrder(db);
        var seeded = SeededTables(db);
        await RequireEmptyDatabaseAsync(database, seeded, cancellationToken);
        await RequireEmptyBucketAsync(blobs, cancellationToken);
        await database.CreateOrMigrateAsync(db, cancellationToken);
        await using var sqlite = new SqliteConnection(DataDirectoryLayout.ConnectionString(source.DatabasePath, SqliteOpenMode.ReadOnly));
        await sqlite.OpenAsync(cancellationToken);
        // One read transaction: every table from the same snapshot of the source.
        await using var snapshot = (SqliteTransaction)await sqlite.BeginTransactionAsync(cancellationToken);
        await RequireSameSchemaAsync(sqlite, tables, cancellationToken);

        var copied = new List<string>();
        try
        {
            var (blobCount, blobBytes) = await CopyBlobsAsync(sqlite, source, blobs, copied, cancellationToken);
            var rows = await CopyRowsAsync(sqlite, database, tables, seeded, cancellationToken);
            var (length, head) = await DataDirectoryLayout.LedgerHeadAsync(sqlite, cancellationToken);
            return new MigrationReport(tables.Count, rows, blobCount, blobBytes, length, head);
        }
        catch
        {
            foreach (var key in copied)
                await blobs.DeleteAsync(key, CancellationToken.None);
            throw;
        }
    }

    /// <summary>Tables the migrations fill with the model's seed rows (the revocation clock's one row), and how many.</summary>
    private static Dictionary<string, int> SeededTables(AppDbContext db) =>
        db.GetService<IDesignTimeModel>().Model.GetEntityTypes()
            .Select(e => (Table: e.GetTableName(), Rows: e.GetSeedData().Count()))
            .Where(t => t.Table is not null && t.Rows > 0)
            .ToDictionary(t => t.Table!, t => t.Rows, StringComparer.Ordinal);

    private static async Task RequireEmptyDatabaseAsync(DatabaseProvider database, Dictionary<string, int> seeded, CancellationToken cancellationToken)
    {
        DbConnection connection;
        try
        {
            connection = await database.OpenAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or ArgumentException or InvalidOperationException)
        {
            throw new MaintenanceException($"Cannot reach the target PostgreSQL database: {ex.Message}");
        }

        await using (connection)
        {
            var tables = new List<string>();
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = current_schema()";
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                    tables.Add(reader.GetString(0));
            }
            foreach (var table in tables.Where(t => !t.StartsWith("__EF", StringComparison.Ordinal)))
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"SELECT count(*) FROM (SELECT 1 FROM {Quote(table)} LIMIT 1000) AS sample";
                if ((long)(await command.ExecuteScalarAsync(cancellationToken))! > seeded.GetValueOrDefault(table))
                    throw new MaintenanceException($"The target database is not empty (table {table} has rows): migrate only into a new, empty database.");
            }
        }
    }

    private static async Task RequireEmptyBucketAsync(IBlobBackend blobs, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var blob in blobs.ListAsync(cancellationToken))
                throw new MaintenanceException($"The target bucket is not empty (it holds blob {blob.StorageKey}): migrate only into a new, empty bucket.");
        }
        catch (BlobStoreUnavailableException ex)
        {
            throw new MaintenanceException($"Cannot use the target bucket: {ex.Message} {ex.InnerException?.Message}".TrimEnd());
        }
    }

    /// <summary>The model's tables, each after the tables its foreign keys point to.</summary>
    private static List<ITable> TablesInInsertOrder(AppDbContext db)
    {
        var model = db.GetService<IDesignTimeModel>().Model.GetRelationalModel();
        var pending = model.Tables.Where(t => t.Schema is null && !t.IsExcludedFromMigrations).ToList();
        var ordered = new List<ITable>();
        while (pending.Count > 0)
        {
            var ready = pending.Where(t => t.ForeignKeyConstraints.All(fk => fk.PrincipalTable == t || ordered.Contains(fk.PrincipalTable))).ToList();
            if (ready.Count == 0)
                throw new MaintenanceException("The tables' foreign keys form a cycle; migrate cannot order them.");
            ordered.AddRange(ready.OrderBy(t => t.Name, StringComparer.Ordinal));
            pending.RemoveAll(ready.Contains);
        }
        return ordered;
    }

    /// <summary>The source has every table and column of this version's model, and no table the model does not know.</summary>
    private static async Task RequireSameSchemaAsync(SqliteConnection sqlite, List<ITable> tables, CancellationToken cancellationToken)
    {
        var sourceTables = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        await using (var command = sqlite.CreateCommand())
        {
            command.CommandText = "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (!sourceTables.TryGetValue(reader.GetString(0), out var columns))
                    sourceTables[reader.GetString(0)] = columns = new HashSet<string>(StringComparer.Ordinal);
                columns.Add(reader.GetString(1));
            }
        }

        const string Upgrade = "start this version of the app once on the source (it upgrades the schema), stop it, then migrate";
        foreach (var table in tables)
        {
            if (!sourceTables.TryGetValue(table.Name, out var columns) || table.Columns.Any(c => !columns.Contains(c.Name)))
                throw new MaintenanceException($"The source's schema is older than this version's (no {table.Name} or one of its columns): {Upgrade}.");
        }
        // EF Core's own tables (__EFMigrationsHistory, __EFMigrationsLock) belong to each engine's migration set.
        var unknown = sourceTables.Keys.FirstOrDefault(name => !name.StartsWith("sqlite_", StringComparison.Ordinal) && !name.StartsWith("__EF", StringComparison.Ordinal) && tables.All(t => t.Name != name));
        if (unknown is not null)
            throw new MaintenanceException($"The source has a table this version does not know ({unknown}): migrate with the version of the app that wrote it.");
    }

    private static async Task<(int Count, long Bytes)> CopyBlobsAsync(SqliteConnection sqlite, DataDirectoryLayout source, IBlobBackend blobs, List<string> copied, CancellationToken cancellationToken)
    {
        var keys = await DataDirectoryLayout.LiveStorageKeysAsync(sqlite, cancellationToken);
        long bytes = 0;
        foreach (var key in keys.Order(StringComparer.Ordinal))
        {
            var path = source.BlobPath(key);
            if (!File.Exists(path))
                throw new MaintenanceException($"The source is missing the blob of a live file ({key}); nothing was moved. Restore it from a backup first.");
            await using var from = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using var write = await blobs.BeginWriteAsync(key, cancellationToken);
            await from.CopyToAsync(write.Content, 1 << 20, cancellationToken);
            await write.FinishAsync(cancellationToken);
            await write.CommitAsync(cancellationToken);
            copied.Add(key);
            bytes += from.Length;
        }
        return (keys.Count, bytes);
    }

    private static async Task<long> CopyRowsAsync(SqliteConnection sqlite, DatabaseProvider database, List<ITable> tables, Dictionary<string, int> seeded, CancellationToken cancellationToken)
    {
        await using var connection = (NpgsqlConnection)await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long total = 0;
        foreach (var table in tables)
        {
            if (seeded.ContainsKey(table.Name))
            {
                // The source has the seed rows too, as the vault moved them on: its rows replace the migration's.
                await using var clear = connection.CreateCommand();
                clear.CommandText = $"DELETE FROM {Quote(table.Name)}";
                await clear.ExecuteNonQueryAsync(cancellationToken);
            }
            var columns = table.Columns.ToList();
            var names = string.Join(", ", columns.Select(c => Quote(c.Name)));
            var order = table.PrimaryKey is { } key ? " ORDER BY " + string.Join(", ", key.Columns.Select(c => Quote(c.Name))) : "";
            long rows = 0;
            await using (var read = sqlite.CreateCommand())
            {
                read.CommandText = $"SELECT {names} FROM {Quote(table.Name)}{order}";
                await using var reader = await read.ExecuteReaderAsync(cancellationToken);
                await using var copy = await connection.BeginBinaryImportAsync($"COPY {Quote(table.Name)} ({names}) FROM STDIN (FORMAT BINARY)", cancellationToken);
                var types = columns.Select(c => DataTypeName(c.StoreType)).ToArray();
                while (await reader.ReadAsync(cancellationToken))
                {
                    await copy.StartRowAsync(cancellationToken);
                    for (var i = 0; i < columns.Count; i++)
                    {
                        if (reader.IsDBNull(i))
                            await copy.WriteNullAsync(cancellationToken);
                        else
                            await copy.WriteAsync(Read(reader, i, columns[i], table.Name), types[i], cancellationToken);
                    }
                    rows++;
                }
                await copy.CompleteAsync(cancellationToken);
            }
            await using (var count = connection.CreateCommand())
            {
                count.CommandText = $"SELECT count(*) FROM {Quote(table.Name)}";
                var copiedRows = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
                if (copiedRows != rows)
                    throw new MaintenanceException($"Table {table.Name}: {rows} rows read, {copiedRows} written; nothing was moved.");
            }
            total += rows;
        }
        await AdvanceSequencesAsync(connection, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return total;
    }

    /// <summary>Identity columns continue after the highest id copied.</summary>
    private static async Task AdvanceSequencesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var serial = new List<(string Table, string Column)>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                serial.Add((reader.GetString(0), reader.GetString(1)));
        }
        foreach (var (table, column) in serial)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT setval(pg_get_serial_sequence(@table, @column), COALESCE((SELECT max({Quote(column)}) FROM {Quote(table)}), 0) + 1, false)";
            command.Parameters.AddWithValue("table", Quote(table));
            command.Parameters.AddWithValue("column", column);
            await command.ExecuteScalarAsync(cancellationToken);
        }
    }

    /// <summary>A source value as the type the target column's mapping writes (timestamps as UTC, as the app reads them).</summary>
    private static object Read(SqliteDataReader reader, int ordinal, IColumn column, string table)
    {
        var type = Nullable.GetUnderlyingType(column.ProviderClrType) ?? column.ProviderClrType;
        return type switch
        {
            _ when type == typeof(string) => reader.GetString(ordinal),
            _ when type == typeof(Guid) => reader.GetGuid(ordinal),
            _ when type == typeof(DateTime) => reader.GetFieldType(ordinal) == typeof(string)
                ? DateTime.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal)
                : DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc),
            _ when type == typeof(DateTimeOffset) => reader.GetDateTimeOffset(ordinal).ToUniversalTime(),
            _ when type == typeof(bool) => reader.GetBoolean(ordinal),
            _ when type == typeof(byte[]) => reader.GetFieldValue<byte[]>(ordinal),
            _ when type == typeof(int) => reader.GetInt32(ordinal),
            _ when type == typeof(long) => reader.GetInt64(ordinal),
            _ when type == typeof(short) => reader.GetInt16(ordinal),
            _ when type == typeof(double) => reader.GetDouble(ordinal),
            _ when type == typeof(decimal) => reader.GetDecimal(ordinal),
            _ when type == typeof(TimeSpan) => reader.GetTimeSpan(ordinal),
            _ => throw new MaintenanceException($"Column {table}.{column.Name} has a type migrate does not copy ({type.Name})."),
        };
    }

    /// <summary>The PostgreSQL type of a column without its modifiers: <c>character varying(256)</c> is <c>character varying</c>.</summary>
    private static string DataTypeName(string storeType) =>
        storeType.IndexOf('(', StringComparison.Ordinal) is var open and >= 0 ? storeType[..open].TrimEnd() : storeType;

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
