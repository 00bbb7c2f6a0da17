using System.Net;
using MediVault.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace MediVault.IntegrationTests;

/// <summary>
/// An operator reads the log of a first start for what went wrong, so a start that went right logs nothing at Error or
/// above. On a new PostgreSQL database EF Core logged the provider's read of a history table that did not exist yet as
/// an Error ("Failed executing DbCommand", npgsql/efcore.pg#3407), before creating the table and migrating normally.
/// </summary>
public sealed class FirstStartTests
{
    [Fact]
    public async Task AFirstStartOnANewDatabase_AndTheRestartAfterIt_LogNoError()
    {
        var directory = MediVaultFactory.NewDataDirectoryPath();
        try
        {
            for (var start = 0; start < 2; start++)
            {
                await using var server = await ServerProcess.StartAsync(directory);
                using var client = server.Api.Anonymous();
                (await client.GetAsync("/api/health")).StatusCode.Should().Be(HttpStatusCode.OK);

                var output = server.Output();
                output.Should().Contain(line => line.Contains("Now listening on", StringComparison.Ordinal), "the log is read");
                output.Should().NotContain(line => IsErrorOrWorse(line), start == 0 ? "the first start" : "the restart");
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            MediVaultFactory.Discard(directory);
        }
    }

    private static bool IsErrorOrWorse(string line) =>
        line.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal) || line.Contains("\"LogLevel\":\"Critical\"", StringComparison.Ordinal);
}
