using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Amazon.S3.Model;
using MediVault.Infrastructure.Storage;
using MediVault.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace MediVault.IntegrationTests;

/// <summary>
/// The <c>migrate</c> verb, run as the operator runs it: an embedded vault built through the HTTP API (SQLite and the
/// data directory's blobs) moved into a fresh PostgreSQL database and a fresh s3rver bucket, then served from there.
/// The source is always the embedded default, so the class runs once, in the first CI run; it needs the PostgreSQL
/// server of <c>MEDIVAULT_TEST_POSTGRES</c> in that run too (.ci/run starts it before both; docs/testing.md).
/// </summary>
[Trait("Category", TestConfiguration.EmbeddedOnly)]
public sealed class MigrateTests : IDisposable
{
    private const string ConnectionVariable = "MEDIVAULT_TEST_MIGRATE_TARGET";
    private readonly string _root = MediVaultFactory.NewDataDirectoryPath();
    private readonly List<PostgresTestDatabase> _databases = [];

    private string Source => Path.Combine(_root, "source");
    private string Target => Path.Combine(_root, "target");
    private string SecretsFile => Path.Combine(_root, "medivault.env");

    [Fact]
    public async Task Migrate_WholeVault_ServesFromPostgresAndS3WithTheLedgerFilesGrantsAndCodesIntact()
    {
        var large = SampleFiles.Pdf(700_000); // eleven 64 KiB chunks
        var small = SampleFiles.Pdf(3_000);
        Session patient, doctor;
        FileAnswer largeFile, smallFile;
        QrCreatedAnswer qr;
        ShlCreatedAnswer link;
        string receipt, key, checkpoint;
        await using (var app = SourceApp())
        {
            var api = new Api(app);
            patient = await api.RegisterPatient();
            doctor = await api.RegisterDoctor();
            largeFile = await patient.Upload(large, "scan.pdf");
            smallFile = await patient.Upload(small, "letter.pdf");
            var gone = await patient.Upload(SampleFiles.Pdf(2_000), "gone.pdf");
            (await patient.Client.DeleteAsync($"/api/files/{gone.Id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
            await patient.SaveProfile();
            await patient.GrantAccessTo(doctor);
            qr = await patient.GenerateQr();
            link = await patient.CreateShl();
            receipt = await patient.Client.GetStringAsync($"/api/files/{largeFile.Id}/receipt");
            key = await patient.Client.GetStringAsync("/api/ledger/key");
            checkpoint = await patient.Client.GetStringAsync("/api/ledger/checkpoint");
        }
        ReleaseSource();
        var sourceDatabase = SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(Source, "medivault.db")));
        var (database, bucket) = await FreshTargetAsync();

        var (exit, output) = await Migrate(database, bucket);

        exit.Should().Be(0, output);
        output.Should().Contain("2 blobs").And.NotContain(Secret("MediVault__MasterKey"));
        SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(Source, "medivault.db"))).Should().Equal(sourceDatabase, "the source is only read");
        if (!OperatingSystem.IsWindows())
            File.GetUnixFileMode(SecretsFile).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);

        await using var target = TargetApp(bucket);
        var moved = new Api(target);
        using var anonymous = moved.Anonymous();
        var again = await moved.LoginAs(patient.Email, patient.Password);
        var verification = await (await again.Client.GetAsync("/api/ledger/verify")).ReadAs<LedgerVerificationAnswer>();
        verification.Valid.Should().BeTrue(verification.Problem);
        (await again.Client.GetStringAsync("/api/ledger/key")).Should().Be(key, "old receipts verify under the key patients pinned");
        var (verifyExit, verifyOutput) = await NodeVerifier.RunAsync(large, receipt, key);
        verifyExit.Should().Be(0, verifyOutput);
        var oldSize = checkpoint.Split('\n')[1];
        (await again.Client.GetAsync($"/api/ledger/proof/consistency?from={oldSize}")).StatusCode.Should().Be(HttpStatusCode.OK);

        (await again.Client.GetByteArrayAsync($"/api/files/download/{largeFile.Id}")).Should().Equal(large);
        (await again.Client.GetByteArrayAsync($"/api/files/download/{smallFile.Id}")).Should().Equal(small);
        (await again.Client.GetAsync($"/api/emergency-profile/{again.Id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await again.ListQrCodes()).Select(c => c.Id).Should().Equal(qr.Id);
        (await again.ListShl()).Select(l => l.Id).Should().Equal(link.Id);

        var doctorAgain = await moved.LoginAs(doctor.Email, doctor.Password, doctor.AuthenticatorKey);
        (await doctorAgain.Client.GetByteArrayAsync($"/api/files/download/{smallFile.Id}")).Should().Equal(small, "the grant moved");
        (await anonymous.GetAsync($"/api/qr/access/{qr.Token}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await anonymous.Manifest(link.Payload)).Files.Should().NotBeEmpty();
        (await again.Upload(SampleFiles.Pdf(1_000), "after.pdf")).FileName.Should().Be("after.pdf");
        (await (await again.Client.GetAsync("/api/ledger/verify")).ReadAs<LedgerVerificationAnswer>()).Valid.Should().BeTrue();

        // Moving again into the now used target is refused, and the target keeps serving.
        File.Delete(SecretsFile);
        var (twice, refusal) = await Migrate(database, bucket);
        twice.Should().Be(1, refusal);
        refusal.Should().Contain("The target database is not empty");
        File.Exists(SecretsFile).Should().BeFalse();
        (await again.Client.GetByteArrayAsync($"/api/files/download/{smallFile.Id}")).Should().Equal(small);
    }

    [Fact]
    public async Task Migrate_BlobMissingHalfway_FailsLeavingTheSourceUntouchedAndTheTargetEmpty()
    {
        await using (var app = SourceApp())
        {
            var patient = await new Api(app).RegisterPatient();
            await patient.Upload(SampleFiles.Pdf(5_000), "a.pdf");
            await patient.Upload(SampleFiles.Pdf(6_000), "b.pdf");
        }
        ReleaseSource();
        var blobs = Directory.GetFiles(Path.Combine(Source, "blobs"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        File.Delete(blobs[^1]); // the last one copied: the first is in the bucket when the copy fails
        var before = Snapshot(Source);
        var (database, bucket) = await FreshTargetAsync();

        var (exit, output) = await Migrate(database, bucket);

        exit.Should().Be(1, output);
        output.Should().Contain("missing the blob of a live file");
        Snapshot(Source).Should().BeEquivalentTo(before);
        File.Exists(SecretsFile).Should().BeFalse();
        using var client = S3TestServer.Client(bucket);
        (await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket.Bucket })).S3Objects.Should().BeNullOrEmpty("copied blobs are removed");
        (await RowsAsync(database, "AspNetUsers")).Should().Be(0);
    }

    [Fact]
    public async Task Migrate_BucketNotEmpty_IsRefusedBeforeAnythingIsWritten()
    {
        await using (var app = SourceApp())
            await (await new Api(app).RegisterPatient()).Upload(SampleFiles.Pdf(2_000));
        var (database, bucket) = await FreshTargetAsync();
        using (var client = S3TestServer.Client(bucket))
            await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket.Bucket, Key = S3BlobBackend.ObjectKey(new string('a', 32)), ContentBody = "x" });

        var (exit, output) = await Migrate(database, bucket);

        exit.Should().Be(1, output);
        output.Should().Contain("The target bucket is not empty");
        (await TableCountAsync(database)).Should().Be(0, "nothing was created in the database");
    }

    [Fact]
    public async Task Migrate_UnreachableDatabase_ExplainsAndWritesNoSecrets()
    {
        await using (var app = SourceApp())
            await new Api(app).RegisterPatient();
        var bucket = await S3TestServer.FreshBucketAsync();
        var closed = new NpgsqlConnectionStringBuilder(TestConfiguration.PostgresAdmin) { Port = 1, Timeout = 2 }.ConnectionString;

        var (exit, output) = await ServerProcess.RunVerbAsync(Environment(closed), [.. Arguments(bucket)]);

        exit.Should().Be(1, output);
        output.Should().Contain("Cannot reach the target PostgreSQL database");
        File.Exists(SecretsFile).Should().BeFalse();
    }

    [Fact]
    public async Task Migrate_NoVaultInTheDataDirectory_IsRefusedAndCreatesNothing()
    {
        var (database, bucket) = await FreshTargetAsync();

        var (exit, output) = await Migrate(database, bucket);

        exit.Should().Be(1, output);
        output.Should().Contain("No vault in");
        Directory.Exists(Source).Should().BeFalse();
        File.Exists(SecretsFile).Should().BeFalse();
    }

    [Theory]
    [InlineData("--to-s3")]
    [InlineData("--to-postgres-env")]
    [InlineData("--secrets-out")]
    public async Task Migrate_RequiredOptionMissing_Exits2WithUsage(string left)
    {
        var bucket = new StorageOptions.S3Options { Bucket = "b", ServiceUrl = "http://127.0.0.1:1" };
        var arguments = Arguments(bucket).ToList();
        arguments.RemoveRange(arguments.IndexOf(left), 2);

        var (exit, output) = await ServerProcess.RunVerbAsync(Environment("Host=127.0.0.1"), [.. arguments]);

        exit.Should().Be(2, output);
        output.Should().Contain("usage:").And.Contain(left);
    }

    /// <summary>
    /// Closes the stopped source app's pooled connections, so that SQLite folds the write-ahead log into the database
    /// file now. Left pooled, they closed whenever another test class cleared every pool (ClearAllPools), which
    /// rewrote the source file between the test's two readings of it (seen once in CI).
    /// </summary>
    private static void ReleaseSource() => SqliteConnection.ClearAllPools();

    private MediVaultFactory SourceApp()
    {
        var app = MediVaultFactory.OnDataDirectory(Source);
        app.Settings["MediVault:Ledger:CheckpointIntervalMs"] = "0";
        return app;
    }

    /// <summary>The app on the target, configured from the environment file migrate wrote (and the bucket's keys).</summary>
    private MediVaultFactory TargetApp(StorageOptions.S3Options bucket)
    {
        var app = MediVaultFactory.OnDataDirectory(Target);
        foreach (var line in File.ReadAllLines(SecretsFile).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var split = line.IndexOf('=', StringComparison.Ordinal);
            app.Settings[line[..split].Replace("__", ":", StringComparison.Ordinal)] = line[(split + 1)..];
        }
        app.Settings["MediVault:Storage:S3:AccessKey"] = bucket.AccessKey;
        app.Settings["MediVault:Storage:S3:SecretKey"] = bucket.SecretKey;
        return app;
    }

    private string Secret(string name) =>
        File.ReadAllLines(SecretsFile).Single(l => l.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..];

    private async Task<(PostgresTestDatabase Database, StorageOptions.S3Options Bucket)> FreshTargetAsync()
    {
        var database = PostgresTestDatabase.Create(withBucket: false);
        _databases.Add(database);
        return (database, await S3TestServer.FreshBucketAsync());
    }

    private Task<(int ExitCode, string Output)> Migrate(PostgresTestDatabase database, StorageOptions.S3Options bucket) =>
        ServerProcess.RunVerbAsync(Environment(database.ConnectionString), [.. Arguments(bucket)]);

    private IEnumerable<string> Arguments(StorageOptions.S3Options bucket) =>
    [
        "migrate", "--to-postgres-env", ConnectionVariable, "--to-s3", bucket.Bucket, "--to-s3-url", bucket.ServiceUrl!,
        "--secrets-out", SecretsFile, $"--MediVault:DataDirectory={Source}",
    ];

    /// <summary>The target's connection string, and the bucket's credentials the way the S3 SDK finds them.</summary>
    private static Dictionary<string, string> Environment(string connectionString) => new()
    {
        [ConnectionVariable] = connectionString,
        ["AWS_ACCESS_KEY_ID"] = S3TestServer.AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = S3TestServer.SecretKey,
    };

    /// <summary>
    /// Every file's hash, but SQLite's -shm (the WAL's shared-memory index, which any reader may touch) and an empty
    /// -wal (a read-only reader creates one when the log was folded in, and cannot delete it: it holds nothing).
    /// </summary>
    private static Dictionary<string, string> Snapshot(string directory) =>
        Directory.GetFiles(directory, "*", SearchOption.AllDirectories).Where(f => !IsReadersSqliteFile(f))
            .ToDictionary(f => Path.GetRelativePath(directory, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    private static bool IsReadersSqliteFile(string path) =>
        path.EndsWith("-shm", StringComparison.Ordinal) || (path.EndsWith("-wal", StringComparison.Ordinal) && new FileInfo(path).Length == 0);

    private static async Task<long> RowsAsync(PostgresTestDatabase database, string table)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM \"{table}\"", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<long> TableCountAsync(PostgresTestDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public void Dispose()
    {
        foreach (var database in _databases)
            database.Drop();
        MediVaultFactory.TryDelete(_root);
    }
}
