using System.Net;
using MediVault.IntegrationTests.Infrastructure;

namespace MediVault.IntegrationTests;

public sealed class HealthTests
{
    private sealed record HealthAnswer(string Status, Dictionary<string, string> Checks, string Version);

    /// <summary>
    /// The probe result may be up to a second old (decisions #22): asks again until the answer turns 503, for at most
    /// three seconds, and returns that answer (or the last one).
    /// </summary>
    private static async Task<HttpResponseMessage> UntilUnhealthy(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddSeconds(3);
        while (true)
        {
            var response = await client.GetAsync("/api/health");
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline)
                return response;
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Health_AllDependenciesUp_Returns200Healthy()
    {
        await using var factory = new MediVaultFactory();
        using var client = new Api(factory).Anonymous();

        var response = await client.GetAsync("/api/health");

        var health = await response.ReadAs<HealthAnswer>();
        health.Status.Should().Be("healthy");
        health.Checks.Should().Equal(new Dictionary<string, string> { ["database"] = "healthy", ["storage"] = "healthy" });
        health.Version.Should().NotBeNullOrEmpty();
    }

    [Fact]
    [Trait("Category", TestConfiguration.EmbeddedOnly)] // makes the blobs/ folder unwritable
    public async Task Health_StorageUnwritable_Returns503NamingStorage()
    {
        await using var factory = new MediVaultFactory();
        using var client = new Api(factory).Anonymous();
        (await client.GetAsync("/api/health")).StatusCode.Should().Be(HttpStatusCode.OK);
        // The blob folder replaced by a plain file: nothing can be stored any more.
        var blobs = Path.Combine(factory.DataDirectory, "blobs");
        Directory.Delete(blobs, recursive: true);
        await File.WriteAllTextAsync(blobs, "not a folder");

        var response = await UntilUnhealthy(client);

        var health = await response.ReadAs<HealthAnswer>(HttpStatusCode.ServiceUnavailable);
        health.Status.Should().Be("unhealthy");
        health.Checks["storage"].Should().Be("unhealthy");
        health.Checks["database"].Should().Be("healthy");
    }

    [Trait("Category", TestConfiguration.EmbeddedOnly)] // damages the SQLite file
    [Fact]
    public async Task Health_DatabaseUnreadable_Returns503NamingDatabase()
    {
        await using var factory = new MediVaultFactory();
        using var client = new Api(factory).Anonymous();
        (await client.GetAsync("/api/health")).StatusCode.Should().Be(HttpStatusCode.OK);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        // Overwrite the database file's header: SQLite no longer recognises it.
        await using (var file = new FileStream(Path.Combine(factory.DataDirectory, "medivault.db"), FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            await file.WriteAsync(new byte[100]);
        foreach (var sidecar in new[] { "medivault.db-wal", "medivault.db-shm" })
            File.Delete(Path.Combine(factory.DataDirectory, sidecar));

        var response = await UntilUnhealthy(client);

        var health = await response.ReadAs<HealthAnswer>(HttpStatusCode.ServiceUnavailable);
        health.Checks["database"].Should().Be("unhealthy");
    }
}
