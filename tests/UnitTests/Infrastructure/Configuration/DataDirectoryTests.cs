using MediVault.Infrastructure.Configuration;
using MediVault.Infrastructure.Persistence;
using Microsoft.Extensions.Hosting;
using NSubstitute;

namespace MediVault.UnitTests.Infrastructure.Configuration;

public sealed class DataDirectoryTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "medivault-data-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Resolve_OnSqlite_CreatesTheEmptyDatabaseFileForTheOwnerOnly()
    {
        var data = Resolve(DatabaseProviderNames.Sqlite);

        new FileInfo(data.DatabasePath).Length.Should().Be(0);
        if (!OperatingSystem.IsWindows())
            File.GetUnixFileMode(data.DatabasePath).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Fact]
    public void Resolve_OnPostgres_CreatesNoDatabaseFile()
    {
        var data = Resolve(DatabaseProviderNames.Postgres);

        Directory.Exists(data.KeysPath).Should().BeTrue();
        File.Exists(data.DatabasePath).Should().BeFalse("the records live in PostgreSQL");
    }

    /// <summary>
    /// Several processes on one new data directory create the same key at the same moment (docs/deployment.md). Each
    /// must end up reading one whole key, the first writer's, and no temporary copy of a private key may stay behind.
    /// </summary>
    [Fact]
    public async Task WriteSecretFile_ManyWritersAtOnce_OneWholeContentWins_AndNoTemporaryFileStays()
    {
        Directory.CreateDirectory(_root);
        var path = Path.Combine(_root, "token-signing.pem");
        var contents = Enumerable.Range(0, 6).Select(i => Enumerable.Repeat((byte)('a' + i), 4096).ToArray()).ToList();
        using var start = new Barrier(contents.Count);

        // A thread each: the barrier blocks its writers, and on the thread pool it waited seconds for new threads.
        var writers = contents.Select(content => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            try
            {
                DataDirectory.WriteSecretFile(path, content);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another writer was first, as KeyMaterial and MasterKey expect.
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default));
        await Task.WhenAll(writers);

        var written = await File.ReadAllBytesAsync(path);
        contents.Count(content => content.SequenceEqual(written)).Should().Be(1, "the file holds one writer's whole content");
        Directory.GetFiles(_root).Should().Equal(path);
    }

    /// <summary>A second process that finds the key written already keeps the first one and leaves no copy of its own.</summary>
    [Fact]
    public void WriteSecretFile_WhenTheFileExists_Throws_KeepsTheFirstContent_AndLeavesNoTemporaryFile()
    {
        Directory.CreateDirectory(_root);
        var path = Path.Combine(_root, "master.key");
        DataDirectory.WriteSecretFile(path, "first"u8);

        var second = () => DataDirectory.WriteSecretFile(path, "second"u8);

        second.Should().Throw<IOException>();
        File.ReadAllText(path).Should().Be("first");
        Directory.GetFiles(_root).Should().Equal(path);
        if (!OperatingSystem.IsWindows())
            File.GetUnixFileMode(path).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private DataDirectory Resolve(string provider)
    {
        var options = new MediVaultOptions { DataDirectory = _root };
        options.Database.Provider = provider;
        var environment = Substitute.For<IHostEnvironment>();
        environment.ContentRootPath.Returns(Path.GetTempPath());
        return DataDirectory.Resolve(options, environment);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
