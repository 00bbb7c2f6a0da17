using System.Collections.Concurrent;
using System.Security.Cryptography;
using Npgsql;

namespace MediVault.IntegrationTests.Infrastructure;

/// <summary>
/// Which configuration the integration suite runs in, chosen by <c>MEDIVAULT_TEST_CONFIGURATION</c> (.ci/run runs the
/// suite once per configuration): unset, the embedded default (SQLite + the data directory's file store);
/// <c>postgres</c>, a fresh PostgreSQL database per data directory on the server <c>MEDIVAULT_TEST_POSTGRES</c> (an
/// admin connection string), dropped when the data directory's owner is disposed; <c>postgres-s3</c>, the same plus a
/// fresh bucket per data directory on the S3-compatible server of <see cref="S3TestServer"/>. docs/testing.md.
/// </summary>
public static class TestConfiguration
{
    public const string Variable = "MEDIVAULT_TEST_CONFIGURATION";
    public const string PostgresVariable = "MEDIVAULT_TEST_POSTGRES";

    /// <summary>
    /// The trait (<c>Category</c>) of tests that only mean something on the embedded default: they look at the SQLite
    /// file or the data directory's blob folder themselves (file modes, a full tmpfs, bytes at rest, the SQLite backup).
    /// The PostgreSQL run filters them out; docs/testing.md lists them and why.
    /// </summary>
    public const string EmbeddedOnly = "EmbeddedOnly";

    public static string Name => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } name ? name : "sqlite";

    public static bool IsPostgres => Name.StartsWith("postgres", StringComparison.Ordinal);

    public static bool IsS3 => Name.EndsWith("-s3", StringComparison.Ordinal);

    /// <summary>
    /// The admin connection string: <c>MEDIVAULT_TEST_POSTGRES</c> (.ci/run starts a cluster and sets it), else a
    /// throw-away cluster this process starts once with <c>tests/pg-start.sh</c> (as <see cref="S3TestServer"/> starts
    /// s3rver), so that the README's plain <c>dotnet test</c> runs the tests that need PostgreSQL too.
    /// </summary>
    public static string PostgresAdmin => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } admin
        ? admin
        : OwnCluster.Value;

    private static readonly Lazy<string> OwnCluster = new(StartOwnCluster);

    private static string StartOwnCluster()
    {
        var script = FindScript("tests/pg-start.sh");
        var folder = TestServerFolders.Create("medivault-test-pg-", abandoned => RunScript(script, "--stop", abandoned));
        var connection = RunScript(script, folder).Trim();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            RunScript(script, "--stop", folder); // pg_ctl waits until the server has stopped
            MediVaultFactory.TryDelete(folder);
        };
        return connection.Length > 0
            ? connection
            : throw new InvalidOperationException($"The PostgreSQL tests need a server: set {PostgresVariable}, or install PostgreSQL (apt-get install postgresql; .ci/run does).");
    }

    private static string FindScript(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
                return candidate;
        }
        throw new InvalidOperationException($"{relative} not found above {AppContext.BaseDirectory}; set {PostgresVariable} instead.");
    }

    private static string RunScript(string script, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException("bash did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return process.ExitCode == 0
            ? output.GetAwaiter().GetResult()
            : throw new InvalidOperationException($"{script} failed ({process.ExitCode}): {errors.GetAwaiter().GetResult()}");
    }

    private static readonly ConcurrentDictionary<string, PostgresTestDatabase> Databases = new(StringComparer.Ordinal);

    /// <summary>
    /// The settings that put the app of <paramref name="dataDirectory"/> on this configuration's engines: nothing for
    /// SQLite; for PostgreSQL the provider, the data directory's own database (created on first use, the same on a
    /// restart) and the shared secrets an instance on PostgreSQL must be given; with S3 also the data directory's own
    /// bucket (the same on a restart).
    /// </summary>
    public static IReadOnlyDictionary<string, string> SettingsFor(string dataDirectory)
    {
        if (!IsPostgres)
            return new Dictionary<string, string>();
        var database = Databases.GetOrAdd(Path.GetFullPath(dataDirectory), _ => PostgresTestDatabase.Create(IsS3));
        return database.Settings;
    }

    /// <summary>Drops the database of <paramref name="dataDirectory"/>, if it has one (when its owner is disposed).</summary>
    public static void Release(string dataDirectory)
    {
        if (Databases.TryRemove(Path.GetFullPath(dataDirectory), out var database))
            database.Drop();
    }
}

/// <summary>One throw-away PostgreSQL database, the secrets the app needs on it, and in the S3 configuration a bucket.</summary>
public sealed class PostgresTestDatabase
{
    private PostgresTestDatabase(string name, string connectionString, IReadOnlyDictionary<string, string?> storage)
    {
        Name = name;
        ConnectionString = connectionString;
        var settings = new Dictionary<string, string>
        {
            ["MediVault:Database:Provider"] = "postgres",
            ["ConnectionStrings:MediVault"] = connectionString,
            ["MediVault:MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["MediVault:Ledger:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["MediVault:Tokens:SigningKey"] = RsaKey(),
            ["MediVault:Tokens:EncryptionKey"] = RsaKey(),
        };
        foreach (var (key, value) in storage)
            settings[key] = value ?? "";
        Settings = settings;
    }

    public string Name { get; }
    public string ConnectionString { get; }
    public IReadOnlyDictionary<string, string> Settings { get; }

    public static PostgresTestDatabase Create(bool withBucket)
    {
        // A fresh bucket per data directory; the start-up sweep runs without a grace period, as on the file system.
        var storage = withBucket
            ? S3TestServer.FreshBucketSettingsAsync().GetAwaiter().GetResult()
            : new Dictionary<string, string?>();
        var name = "medivault_test_" + Guid.NewGuid().ToString("N");
        using (var admin = new NpgsqlConnection(TestConfiguration.PostgresAdmin))
        {
            admin.Open();
            using var command = admin.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{name}\"";
            command.ExecuteNonQuery();
        }
        var builder = new NpgsqlConnectionStringBuilder(TestConfiguration.PostgresAdmin) { Database = name };
        return new PostgresTestDatabase(name, builder.ConnectionString, storage);
    }

    public void Drop()
    {
        NpgsqlConnection.ClearAllPools();
        using var admin = new NpgsqlConnection(TestConfiguration.PostgresAdmin);
        admin.Open();
        using var command = admin.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)";
        command.ExecuteNonQuery();
    }

    private static string RsaKey()
    {
        using var rsa = RSA.Create(2048);
        return Convert.ToBase64String(rsa.ExportPkcs8PrivateKey());
    }
}
