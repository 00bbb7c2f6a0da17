using MediVault.Infrastructure.Maintenance;
using Microsoft.Data.Sqlite;

namespace MediVault.UnitTests.Infrastructure.Maintenance;

/// <summary>The reads of an embedded vault's database that backup and migrate share, on a table of just the columns they read.</summary>
public sealed class DataDirectoryLayoutTests : IAsyncLifetime, IDisposable
{
    private const string Live = "0123456789abcdef0123456789abcdef";
    private const string Deleted = "fedcba9876543210fedcba9876543210";
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public async Task InitializeAsync()
    {
        await _connection.OpenAsync();
        await ExecuteAsync("""
            CREATE TABLE MedicalFiles (StorageKey TEXT NOT NULL, DeletedAt TEXT NULL);
            CREATE TABLE LedgerBlocks ("Index" INTEGER NOT NULL, Hash TEXT NOT NULL);
            """);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _connection.Dispose();

    [Fact]
    public async Task LiveStorageKeys_AreTheKeysOfFilesNotDeleted()
    {
        await ExecuteAsync($"INSERT INTO MedicalFiles VALUES ('{Live}', NULL), ('{Deleted}', '2026-12-01 10:00:00')");

        (await DataDirectoryLayout.LiveStorageKeysAsync(_connection, CancellationToken.None)).Should().BeEquivalentTo([Live]);
    }

    [Theory]
    [InlineData("../../keys/master.key")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF")]
    public async Task LiveStorageKeys_AValueThatIsNotAStorageKey_StopsInsteadOfBecomingAPath(string damaged)
    {
        await ExecuteAsync($"INSERT INTO MedicalFiles VALUES ('{Live}', NULL), ('{damaged}', NULL)");

        var read = () => DataDirectoryLayout.LiveStorageKeysAsync(_connection, CancellationToken.None);

        await read.Should().ThrowAsync<MaintenanceException>().WithMessage("*not a storage key*damaged*");
    }

    [Fact]
    public async Task LedgerHead_IsTheLengthAndTheNewestEntrysHash()
    {
        await ExecuteAsync("""INSERT INTO LedgerBlocks VALUES (0, 'genesis'), (2, 'newest'), (1, 'middle')""");

        (await DataDirectoryLayout.LedgerHeadAsync(_connection, CancellationToken.None)).Should().Be((3L, "newest"));
    }

    [Fact]
    public async Task LedgerHead_OfAnEmptyLedger_IsZeroAndNoHash()
    {
        (await DataDirectoryLayout.LedgerHeadAsync(_connection, CancellationToken.None)).Should().Be((0L, ""));
    }

    [Fact]
    public void BlobPath_IsTheTwoDigitFolderThenTheKey_AndRefusesANonKey()
    {
        var layout = DataDirectoryLayout.Of("/vault");

        layout.BlobPath(Live).Should().Be(Path.Combine(Path.GetFullPath("/vault"), "blobs", "01", Live));
        layout.Invoking(l => l.BlobPath("../escape")).Should().Throw<ArgumentException>();
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = _connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
