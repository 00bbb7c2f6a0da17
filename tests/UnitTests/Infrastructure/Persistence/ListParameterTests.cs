using MediVault.Infrastructure.Persistence;
using MediVault.UnitTests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.UnitTests.Infrastructure.Persistence;

/// <summary>
/// Each engine is sent a list in a query as one parameter (decisions §163), so the statement is the same whatever the
/// list's length and EF Core does not build it again for each request (the access log and the ledger list name a page's
/// records with <c>ids.Contains(…)</c>).
/// </summary>
public sealed class ListParameterTests
{
    [Theory]
    [InlineData(DatabaseProviderNames.Sqlite, "json_each(")]
    [InlineData(DatabaseProviderNames.Postgres, "= ANY (")]
    public void AListInAQuery_IsOneParameter_SoTheStatementIsTheSameForEveryLength(string provider, string readAsOneList)
    {
        using var services = AppInfrastructure.Services(provider);
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();

        var one = StatementOf(db, Ids(1));
        var five = StatementOf(db, Ids(5));

        five.Should().Be(one).And.Contain(readAsOneList);
    }

    private static Guid[] Ids(int count) => [.. Enumerable.Range(0, count).Select(_ => Guid.NewGuid())];

    // ToQueryString() writes the parameters and their values first (".param set …" for SQLite, "-- @…" for Npgsql).
    private static string StatementOf(AppDbContext db, Guid[] ids) =>
        string.Join('\n', db.MedicalFiles.Where(f => ids.Contains(f.Id)).Select(f => f.FileName).ToQueryString()
            .Split('\n').Where(line => !line.StartsWith(".param", StringComparison.Ordinal) && !line.StartsWith("--", StringComparison.Ordinal)));
}
