using MediVault.Infrastructure;
using MediVault.Infrastructure.Persistence;
using MediVault.UnitTests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.UnitTests.Infrastructure.Persistence;

/// <summary>
/// The app runs each engine's context on a generated model (Persistence/CompiledModels, decisions.md §151). A change of
/// <c>OnModelCreating</c>, a configuration or an entity without regenerating it (scripts/add-migration.sh) fails here:
/// the generated model is compared, entity by entity and annotation by annotation, with the one EF Core builds.
/// </summary>
public sealed class CompiledModelTests
{
    [Theory]
    [InlineData(DatabaseProviderNames.Sqlite)]
    [InlineData(DatabaseProviderNames.Postgres)]
    public void TheGeneratedModel_IsTheModelOnModelCreatingBuilds(string provider)
    {
        using var services = AppInfrastructure.Services(provider);
        var database = services.GetRequiredService<DatabaseProvider>();
        using var scope = services.CreateScope();
        var contextType = scope.ServiceProvider.GetRequiredService<AppDbContext>().GetType();

        var built = ModelOf(services, contextType, database, compiledModel: false);
        var generated = ModelOf(services, contextType, database, compiledModel: true);

        generated.Should().BeSameAs(database.CompiledModel);
        built.Should().NotBeSameAs(database.CompiledModel);
        generated.ToDebugString(MetadataDebugStringOptions.LongDefault)
            .Should().Be(built.ToDebugString(MetadataDebugStringOptions.LongDefault),
                $"the {provider} model is generated from OnModelCreating (scripts/add-migration.sh regenerates it)");
    }

    [Theory]
    [InlineData(DatabaseProviderNames.Sqlite)]
    [InlineData(DatabaseProviderNames.Postgres)]
    public void TheAppsContexts_RunOnTheGeneratedModel(string provider)
    {
        using var services = AppInfrastructure.Services(provider);
        using var scope = services.CreateScope();

        scope.ServiceProvider.GetRequiredService<AppDbContext>().Model.Should()
            .BeSameAs(services.GetRequiredService<DatabaseProvider>().CompiledModel);
    }

    // The application's services, as the app's contexts have them: Identity's schema version comes from its options.
    private static IModel ModelOf(IServiceProvider services, Type contextType, DatabaseProvider database, bool compiledModel)
    {
        var options = (DbContextOptionsBuilder)Activator.CreateInstance(typeof(DbContextOptionsBuilder<>).MakeGenericType(contextType))!;
        options.UseApplicationServiceProvider(services);
        DependencyInjection.ConfigureContext(database, options, compiledModel);
        using var context = (DbContext)Activator.CreateInstance(contextType, options.Options)!;
        return context.Model;
    }
}
