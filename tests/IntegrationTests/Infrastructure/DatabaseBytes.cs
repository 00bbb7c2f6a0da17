using System.Text;
using Npgsql;

namespace MediVault.IntegrationTests.Infrastructure;

/// <summary>
/// What the database of a data directory holds, as someone with the disk or a dump would read it, in either test
/// configuration: on SQLite the file and its write-ahead log (whose newest pages are not yet folded into the file, so
/// a check that read only the file would miss them); on PostgreSQL every row of every table, as text.
/// </summary>
public static class DatabaseBytes
{
    public static Task<string> AsTextAsync(string dataDirectory) => TestConfiguration.IsPostgres
        ? PostgresRowsAsync(TestConfiguration.SettingsFor(dataDirectory)["ConnectionStrings:MediVault"])
        : SqliteFilesAsync(Path.Combine(dataDirectory, "medivault.db"));

    private static async Task<string> SqliteFilesAsync(string database)
    {
        var text = Encoding.ASCII.GetString(await File.ReadAllBytesAsync(database));
        var log = database + "-wal";
        return File.Exists(log) ? text + Encoding.ASCII.GetString(await File.ReadAllBytesAsync(log)) : text;
    }

    private static async Task<string> PostgresRowsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                tables.Add(reader.GetString(0));
        }
        var text = new StringBuilder();
        foreach (var table in tables)
        {
            await using var rows = new NpgsqlCommand($"SELECT t::text FROM \"{table}\" t", connection);
            await using var reader = await rows.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                text.AppendLine(reader.GetString(0));
        }
        return text.ToString();
    }
}
