using MediVault.Infrastructure;
using MediVault.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NSubstitute;

namespace MediVault.UnitTests.Infrastructure.Persistence;

/// <summary>
/// The app starts without EF Core comparing the model with the last migration's snapshot (decisions.md §123): the
/// comparison is made here instead, for both migration sets, on contexts configured exactly as the app configures them.
/// A model change without its migration (scripts/add-migration.sh) fails here.
/// </summary>
public sealed class MigrationSetTests
{
    [Theory]
    [InlineData(DatabaseProviderNames.Sqlite)]
    [InlineData(DatabaseProviderNames.Postgres)]
    public void TheModel_HasNoChangesWithoutAMigration(string provider)
    {
        using var services = AppServices(provider);
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();

        db.Database.GetMigrations().Should().NotBeEmpty();
        db.Database.HasPendingModelChanges().Should().BeFalse($"every change of the model has its migration in the {provider} set");
    }

    [Theory]
    [InlineData(DatabaseProviderNames.Sqlite, typeof(AppDbContext))]
    [InlineData(DatabaseProviderNames.Postgres, typeof(PostgresAppDbContext))]
    public void EachProvider_RunsItsOwnContextType(string provider, Type contextType)
    {
        using var services = AppServices(provider);
        using var scope = services.CreateScope();

        scope.ServiceProvider.GetRequiredService<AppDbContext>().GetType().Should().Be(contextType);
    }

    /// <summary>The app's infrastructure services; nothing here connects to a database.</summary>
    private static ServiceProvider AppServices(string provider)
    {
        var folder = Path.Combine(Path.GetTempPath(), "medivault-unit-migrations");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MediVault:Database:Provider"] = provider,
            ["MediVault:DataDirectory"] = folder,
            [$"ConnectionStrings:{DependencyInjection.ConnectionStringName}"] = "Host=localhost;Database=medivault_unit_no_connection",
        }).Build();
        var environment = Substitute.For<IHostEnvironment>();
        environment.ContentRootPath.Returns(folder);
        environment.EnvironmentName.Returns(Environments.Production);
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(environment);
        services.AddInfrastructure(configuration, environment);
        return services.BuildServiceProvider();
    }
}
