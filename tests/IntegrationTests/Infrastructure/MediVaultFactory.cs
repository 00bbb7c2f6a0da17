using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace MediVault.IntegrationTests.Infrastructure;

/// <summary>
/// The real app over a real database and file store in a fresh temporary data directory: a SQLite file, or in the
/// postgres configuration a fresh PostgreSQL database of the data directory's own (<see cref="TestConfiguration"/>).
/// Use as a class fixture: one data directory per test class. Settings are plain configuration keys.
/// </summary>
public class MediVaultFactory : WebApplicationFactory<Program>
{
    /// <summary>A fresh temporary data directory, deleted when the factory is disposed.</summary>
    public MediVaultFactory()
    {
        DataDirectory = NewDataDirectoryPath();
        OwnsDataDirectory = true;
    }

    /// <summary>A path for a new data directory of the test's own, under the temporary folder; nothing is created.</summary>
    public static string NewDataDirectoryPath() => Path.Combine(Path.GetTempPath(), "medivault-tests", Guid.NewGuid().ToString("N"));

    /// <summary>A factory over an existing data directory (e.g. to restart the app on it); the directory is kept.</summary>
    public static MediVaultFactory OnDataDirectory(string dataDirectory) =>
        new(dataDirectory);

    private MediVaultFactory(string dataDirectory)
    {
        DataDirectory = dataDirectory;
        OwnsDataDirectory = false;
    }

    public string DataDirectory { get; }
    private bool OwnsDataDirectory { get; }

    /// <summary>Extra configuration, e.g. ["MediVault:RateLimits:AuthPerMinute"] = "3".</summary>
    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["MediVault:RateLimits:AuthPerMinute"] = "0",
        ["MediVault:RateLimits:QrAccessPerMinute"] = "0",
        ["MediVault:RateLimits:ShlPerMinute"] = "0",
        ["MediVault:SeedSampleData"] = "false",
    };

    /// <summary>Everything the app logs, at every level.</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>
    /// PBKDF2 iterations of the password hasher in tests: the same hasher and format as in production, with a work
    /// factor that costs ~1 ms instead of ~80 ms, because the suite registers and signs in thousands of accounts and the
    /// hashing was a third of its CPU (docs/testing.md, "Speed"). The stored hash carries its own iteration count, so
    /// nothing else changes. <see cref="ProductionPasswordHashing"/> keeps the app's own setting (PasswordHashingTests).
    /// </summary>
    public const int TestPasswordHashIterations = 1_000;

    /// <summary>Hash passwords with the app's own work factor instead of <see cref="TestPasswordHashIterations"/>.</summary>
    public bool ProductionPasswordHashing { get; init; }

    /// <summary>Replaces the app's clock (e.g. a FakeTimeProvider) when set before the first request.</summary>
    public TimeProvider? Clock { get; set; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("MediVault:DataDirectory", DataDirectory);
        foreach (var (key, value) in TestConfiguration.SettingsFor(DataDirectory))
            builder.UseSetting(key, value);
        if (Clock is not null)
        {
            // OpenIddict reads the same clock: keep tokens alive while a test moves time forward by hours.
            builder.UseSetting("MediVault:Tokens:AccessTokenLifetimeSeconds", "86400");
        }
        foreach (var (key, value) in Settings)
            builder.UseSetting(key, value);
        builder.ConfigureLogging(logging =>
        {
            logging.AddProvider(Logs);
            logging.SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Trace);
        });
        builder.ConfigureTestServices(services =>
        {
            if (!ProductionPasswordHashing)
                services.Configure<PasswordHasherOptions>(options => options.IterationCount = TestPasswordHashIterations);
            if (Clock is not null)
                services.Replace(ServiceDescriptor.Singleton(Clock));
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && OwnsDataDirectory)
        {
            Discard(DataDirectory);
        }
    }

    /// <summary>
    /// Serves the app with Kestrel on a free loopback port instead of the in-memory test server (which has no socket
    /// and answers only after a whole request body has arrived), and returns the address.
    /// </summary>
    public Uri StartOnLoopback()
    {
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        StartServer();
        LoopbackAddress = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return LoopbackAddress;
    }

    /// <summary>Where Kestrel listens after <see cref="StartOnLoopback"/>; null while the app runs on the test server.</summary>
    public Uri? LoopbackAddress { get; private set; }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (OwnsDataDirectory)
        {
            Discard(DataDirectory);
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>A test's data directory is done with: its PostgreSQL database (in that configuration) is dropped and the folder deleted.</summary>
    public static void Discard(string directory)
    {
        TryDelete(directory);
        TestConfiguration.Release(directory);
    }

    public static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
                Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file still held open by a closing connection; the temp folder is cleaned by the OS.
        }
    }
}
