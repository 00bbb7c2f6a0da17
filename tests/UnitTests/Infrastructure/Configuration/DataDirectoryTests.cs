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
