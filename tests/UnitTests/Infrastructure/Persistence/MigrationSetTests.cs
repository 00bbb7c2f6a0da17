using MediVault.Infrastructure.Persistence;
using MediVault.UnitTests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

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
        using var services = AppInfrastructure.Services(provider);
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
        using var services = AppInfrastructure.Services(provider);
        using var scope = services.CreateScope();

        scope.ServiceProvider.GetRequiredService<AppDbContext>().GetType().Should().Be(contextType);
    }
}
