using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Configuration;
using MediVault.Infrastructure.Emergency;
using MediVault.Infrastructure.Identity;
using MediVault.Infrastructure.Ledger;
using MediVault.Infrastructure.Persistence;
using MediVault.Infrastructure.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MediVault.Infrastructure;

public static class DependencyInjection
{
    /// <summary>The database (SQLite or PostgreSQL), the file store, the ledger and the accounts.</summary>
    public static IServiceCollection AddInfrastructure(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<MediVaultOptions>()
            .Bind(configuration.GetSection(MediVaultOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<MediVaultOptions>, MediVaultOptionsValidator>();
        services.AddSingleton(sp => DataDirectory.Resolve(sp.GetRequiredService<IOptions<MediVaultOptions>>().Value, environment));
        services.AddSingleton(TimeProvider.System);

        var provider = configuration[$"{MediVaultOptions.Section}:Database:Provider"];
        if (DatabaseProviderNames.IsPostgres(provider))
        {
            var connectionString = configuration.GetConnectionString(ConnectionStringName);
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new InvalidOperationException(
                    $"MediVault:Database:Provider is postgres, so ConnectionStrings:{ConnectionStringName} must be set (e.g. Host=db;Database=medivault;Username=medivault;Password=…).");
            services.AddSingleton<DatabaseProvider>(new PostgresDatabase(connectionString));
            // The same model as SQLite's under a type of its own, which carries PostgreSQL's migration set.
            services.AddDbContextPool<AppDbContext, PostgresAppDbContext>(ConfigureContext);
            services.AddScoped<ISecureErasure, PostgresSecureErasure>();
        }
        else
        {
            services.AddSingleton<DatabaseProvider>(sp => new SqliteDatabase(ConnectionString(sp.GetRequiredService<DataDirectory>().DatabasePath)));
            services.AddDbContextPool<AppDbContext>(ConfigureContext);
            services.AddScoped<ISecureErasure, SqliteSecureErasure>();
            // `dotnet ef … --context PostgresAppDbContext` (scripts/add-migration.sh): the PostgreSQL context beside the
            // SQLite one, so both migration sets are generated from the one model without a server.
            if (EF.IsDesignTime)
                services.AddDbContext<PostgresAppDbContext>(options => ConfigureContext(new PostgresDatabase(DesignTimeConnectionString), options));
        }

        services.AddScoped<IAppDbContext>(sp => sp.GetRequiredService<AppDbContext>());
        services.AddScoped<IUserDirectory, UserDirectory>();
        services.AddScoped<IFileListing, Records.CompiledFileListing>();
        services.AddScoped<IOwnedRecordNames, Naming.CompiledOwnedRecordNames>();
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

    /// <summary>The name under <c>ConnectionStrings</c> of the PostgreSQL database.</summary>
    public const string ConnectionStringName = "MediVault";

    /// <summary>Only for generating PostgreSQL migrations: nothing connects to it.</summary>
    private const string DesignTimeConnectionString = "Host=localhost;Database=medivault_design_time";

    private static void ConfigureContext(IServiceProvider services, DbContextOptionsBuilder options) =>
        ConfigureContext(services.GetRequiredService<DatabaseProvider>(), options);

    /// <summary>
    /// The context's options as the app sets them. <paramref name="compiledModel"/> false builds the model from
    /// <c>OnModelCreating</c> instead of using the generated one: the design-time tools always do (they generate
    /// migrations and the compiled model from it), and so does the test that compares the two (CompiledModelTests).
    /// </summary>
    internal static void ConfigureContext(DatabaseProvider database, DbContextOptionsBuilder options, bool compiledModel = true)
    {
        database.UseEngine(options);
        if (compiledModel && !EF.IsDesignTime)
            options.UseModel(database.CompiledModel);
        if (!EF.IsDesignTime)
            options.ReplaceService<IMigrationsAssembly, MigrationsByMetadata>();
        options.AddInterceptors(MedicalTextSealing.Instance);
        options.UseOpenIddict<Guid>();
        // Migrate() would otherwise build the model twice more at every start (the snapshot's and a design-time one)
        // only to compare them: ~3 % of start-up CPU. The same comparison is a unit test for both migration sets
        // (MigrationSetTests), so a model change without its migration still fails the build, not a start in production.
        options.ConfigureWarnings(warnings => warnings.Ignore(RelationalEventId.PendingModelChangesWarning));
    }

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
