using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Configuration;
using MediVault.Infrastructure.Emergency;
using MediVault.Infrastructure.Identity;
using MediVault.Infrastructure.Ledger;
using MediVault.Infrastructure.Persistence;
using MediVault.Infrastructure.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MediVault.Infrastructure;

public static class DependencyInjection
{
    /// <summary>SQLite, the file store, the ledger and the accounts.</summary>
    public static IServiceCollection AddInfrastructure(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<MediVaultOptions>()
            .Bind(configuration.GetSection(MediVaultOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<MediVaultOptions>, MediVaultOptionsValidator>();
        services.AddSingleton(sp => DataDirectory.Resolve(sp.GetRequiredService<IOptions<MediVaultOptions>>().Value, environment));
        services.AddSingleton(TimeProvider.System);

        // Pooled: a request leases a context that is already built instead of building one (docs/performance.md).
        services.AddDbContextPool<AppDbContext>((sp, options) =>
        {
            var data = sp.GetRequiredService<DataDirectory>();
            options.UseSqlite(ConnectionString(data.DatabasePath));
            options.AddInterceptors(SecureDelete, MedicalTextSealing.Instance);
            options.UseOpenIddict<Guid>();
        });
        services.AddScoped<IAppDbContext>(sp => sp.GetRequiredService<AppDbContext>());
        services.AddScoped<IUserDirectory, UserDirectory>();
        services.AddScoped<ISecureErasure, SqliteSecureErasure>();
        services.AddScoped<HealthProbe>();
        services.AddSingleton<HealthMonitor>();
        services.AddLedgerInfrastructure();
        services.AddFileStorage();
        services.AddHostedService<DatabaseInitializer>();

        var options = configuration.GetSection(MediVaultOptions.Section).Get<MediVaultOptions>() ?? new MediVaultOptions();
        services.AddMediVaultIdentity(options, DataDirectory.Resolve(options, environment));
        services.AddEmergencyInfrastructure();
        Email.EmailServices.AddEmail(services, options, environment);
        return services;
    }

    private static readonly SecureDeletePragmas SecureDelete = new();

    /// <summary>The busy timeout (Default Timeout, seconds) makes a writer wait for the lock instead of failing at once.</summary>
    internal static string ConnectionString(string databasePath) => new SqliteConnectionStringBuilder
    {
        DataSource = databasePath,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Cache = SqliteCacheMode.Private,
        DefaultTimeout = 30,
        Pooling = true,
    }.ToString();
}
