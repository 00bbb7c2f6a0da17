using MediVault.Infrastructure;
using MediVault.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace MediVault.UnitTests.TestSupport;

/// <summary>A migrated SQLite file in a fresh temp folder, for adapter tests that need the real database.</summary>
internal sealed class SqliteTestDatabase : IAsyncDisposable
{
    private SqliteTestDatabase(string folder)
    {
        Folder = folder;
        Path = System.IO.Path.Combine(folder, "medivault.db");
    }

    public string Folder { get; }
    public string Path { get; }

    public static async Task<SqliteTestDatabase> CreateAsync()
    {
        var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "medivault-unit-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var database = new SqliteTestDatabase(folder);
        await using var db = database.NewContext();
        await db.Database.MigrateAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        return database;
    }

    /// <summary>A context on the file; <paramref name="interceptors"/> can step in between the app's commands.</summary>
    public AppDbContext NewContext(params Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[] interceptors)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>().UseSqlite(DependencyInjection.ConnectionString(Path));
        options.UseOpenIddict<Guid>();
        options.AddInterceptors(interceptors);
        return new AppDbContext(options.Options);
    }

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
        return ValueTask.CompletedTask;
    }
}
