using System.Security.Cryptography;
using MediVault.Infrastructure;
using MediVault.Infrastructure.Configuration;
using MediVault.Infrastructure.Persistence;
using MediVault.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NSubstitute;

namespace MediVault.UnitTests.TestSupport;

/// <summary>
/// A migrated SQLite file in a fresh temp folder, for adapter tests that need the real database. Its contexts seal and
/// open medical text (a file's description, an emergency profile's content) as the app's do, under one random master
/// key for the test run.
/// </summary>
internal sealed class SqliteTestDatabase : IAsyncDisposable
{
    // One provider for every context: EF Core builds its internal services once per application service provider.
    // Identity's store schema as the app configures it (version 3: passkeys), so the model matches the migrations.
    private static readonly ServiceProvider Services = new ServiceCollection()
        .Configure<Microsoft.AspNetCore.Identity.IdentityOptions>(identity =>
            identity.Stores.SchemaVersion = Microsoft.AspNetCore.Identity.IdentitySchemaVersions.Version3)
        .AddSingleton(_ =>
        {
            var options = new MediVaultOptions
            {
                DataDirectory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "medivault-unit-sealing"),
                MasterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(BlobFormat.KeyLength)),
            };
            var environment = Substitute.For<IHostEnvironment>();
            environment.ContentRootPath.Returns(System.IO.Path.GetTempPath());
            return new MasterKey(Options.Create(options), DataDirectory.Resolve(options, environment), NullLogger<MasterKey>.Instance);
        })
        .AddSingleton<PatientKeyRing>()
        .BuildServiceProvider();

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

    /// <summary>Saves <paramref name="entity"/> on its own, in a context of its own, as a row the test starts from.</summary>
    public async Task<T> StoreAsync<T>(T entity)
        where T : class
    {
        await using var db = NewContext();
        db.Add(entity);
        await db.SaveChangesAsync();
        return entity;
    }

    /// <summary>A context on the file; <paramref name="interceptors"/> can step in between the app's commands.</summary>
    public AppDbContext NewContext(params Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[] interceptors) =>
        NewContext(ownModel: false, interceptors);

    /// <summary>
    /// A context whose EF Core services, and so its model, are built for it alone, as the other engine's host has in the
    /// same process (<c>migrate</c>): for code that keeps something per model (compiled queries).
    /// </summary>
    public AppDbContext NewContextWithItsOwnModel() => NewContext(ownModel: true, []);

    /// <summary>A pool of contexts on the file, as the app leases them: a context handed back is handed out again.</summary>
    public PooledDbContextFactory<AppDbContext> NewPool() => new(ContextOptions(ownModel: false, []));

    private AppDbContext NewContext(bool ownModel, Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[] interceptors) =>
        new(ContextOptions(ownModel, interceptors));

    private DbContextOptions<AppDbContext> ContextOptions(bool ownModel, Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[] interceptors)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>().UseSqlite(DependencyInjection.ConnectionString(Path));
        options.EnableServiceProviderCaching(!ownModel);
        options.UseOpenIddict<Guid>();
        options.UseApplicationServiceProvider(Services);
        options.AddInterceptors([MedicalTextSealing.Instance, .. interceptors]);
        return options.Options;
    }

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
        return ValueTask.CompletedTask;
    }
}
