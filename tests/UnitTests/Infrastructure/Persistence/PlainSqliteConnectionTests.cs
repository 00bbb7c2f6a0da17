using MediVault.Infrastructure.Persistence;
using MediVault.UnitTests.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.UnitTests.Infrastructure.Persistence;

/// <summary>
/// The app's SQLite connections come without EF Core's SQL functions (decisions.md §148). Those functions serve decimal
/// arithmetic, decimal ordering and <c>Regex.IsMatch</c> in queries; the model has no decimal, and no query matches a
/// regular expression.
/// </summary>
public sealed class PlainSqliteConnectionTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "medivault-unit-plain-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task TheAppsSqliteContext_OpensConnectionsWithoutEfCoresFunctions()
    {
        Directory.CreateDirectory(_folder);
        await using var services = AppInfrastructure.Services(DatabaseProviderNames.Sqlite, _folder);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.GetService<IRelationalConnection>().Should().BeOfType<PlainSqliteConnection>();

        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "SELECT ef_compare('1', '2')";
        var act = async () => await command.ExecuteScalarAsync();

        (await act.Should().ThrowAsync<SqliteException>()).Which.Message.Should().Contain("no such function: ef_compare");
    }

    [Theory]
    [InlineData(DatabaseProviderNames.Sqlite)]
    [InlineData(DatabaseProviderNames.Postgres)]
    public void TheModel_HasNoDecimalProperty(string provider)
    {
        // A decimal column would need EF Core's ef_add, ef_compare, … and its EF_DECIMAL collation on SQLite. Both
        // models are checked so that a property added for one provider shows here too.
        using var services = AppInfrastructure.Services(provider);
        using var scope = services.CreateScope();
        var model = scope.ServiceProvider.GetRequiredService<AppDbContext>().Model;

        model.GetEntityTypes().SelectMany(e => e.GetProperties())
            .Where(p => (Nullable.GetUnderlyingType(p.ClrType) ?? p.ClrType) == typeof(decimal))
            .Select(p => $"{p.DeclaringType.DisplayName()}.{p.Name}")
            .Should().BeEmpty();
    }
}
