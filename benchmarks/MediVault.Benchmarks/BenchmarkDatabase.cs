using MediVault.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.Benchmarks;

/// <summary>Context options for the benchmarks' own SQLite files, with the model the app builds (Identity schema version 3: passkeys).</summary>
internal static class BenchmarkDatabase
{
    private static readonly ServiceProvider Services = new ServiceCollection()
        .Configure<IdentityOptions>(identity => identity.Stores.SchemaVersion = IdentitySchemaVersions.Version3)
        .BuildServiceProvider();

    public static DbContextOptions<AppDbContext> Options(string connectionString)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>().UseSqlite(connectionString).UseApplicationServiceProvider(Services);
        options.UseOpenIddict<Guid>();
        return options.Options;
    }
}
