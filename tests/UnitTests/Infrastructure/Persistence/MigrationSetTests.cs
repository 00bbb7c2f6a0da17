using MediVault.Infrastructure.Persistence;
using MediVault.UnitTests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Internal;
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

    [Theory]
    [InlineData(DatabaseProviderNames.Sqlite)]
    [InlineData(DatabaseProviderNames.Postgres)]
    public void TheMigrationsFoundFromMetadata_AreThoseEfCoreFinds(string provider)
    {
        using var services = AppInfrastructure.Services(provider);
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var ours = db.GetService<IMigrationsAssembly>();
#pragma warning disable EF1001 // EF Core's own implementation, as the reference
        var efCore = new MigrationsAssembly(db.GetService<ICurrentDbContext>(), db.GetService<IDbContextOptions>(),
            db.GetService<IMigrationsIdGenerator>(), db.GetService<IDiagnosticsLogger<DbLoggerCategory.Migrations>>());

        ours.Should().BeOfType<MigrationsByMetadata>("the app's contexts use it");
        ours.Migrations.Should().NotBeEmpty();
        ours.Migrations.Should().Equal(efCore.Migrations);
        ours.ModelSnapshot!.GetType().Should().Be(efCore.ModelSnapshot!.GetType());
        ours.Assembly.Should().BeSameAs(efCore.Assembly);
        var last = efCore.Migrations.Keys.Last();
        foreach (var nameOrId in new[] { last, last.ToUpperInvariant(), last[15..], last[15..].ToLowerInvariant(), "NoSuchMigration" })
            ours.FindMigrationId(nameOrId).Should().Be(efCore.FindMigrationId(nameOrId), nameOrId);
#pragma warning restore EF1001
        var migration = ours.CreateMigration(ours.Migrations[last], "Some.Provider");
        migration.GetType().Should().Be(ours.Migrations[last].AsType());
        migration.ActiveProvider.Should().Be("Some.Provider");
    }

    [Fact]
    public void DirectSubclassNames_ReadsTheMetadataOfTheAssembly()
    {
        var names = MigrationsByMetadata.DirectSubclassNames(typeof(AppDbContext).Assembly, typeof(Migration));
        var expected = typeof(AppDbContext).Assembly.GetTypes()
            .Where(type => type.BaseType == typeof(Migration) && !type.IsNested).Select(type => type.FullName);

        names.Should().BeEquivalentTo(expected).And.NotBeEmpty();
    }
}
