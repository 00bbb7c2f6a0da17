using System.Net;
using MediVault.IntegrationTests.Infrastructure;

namespace MediVault.IntegrationTests;

/// <summary>The <c>backup</c> and <c>restore</c> verbs of the executable, run as the operator runs them.</summary>
[Trait("Category", TestConfiguration.EmbeddedOnly)] // the backup verb copies the SQLite file
public sealed class BackupRestoreTests : IDisposable
{
    private const string PassphraseVariable = "MEDIVAULT_TEST_BACKUP_PASSPHRASE";
    private static readonly Dictionary<string, string> Passphrase = new() { [PassphraseVariable] = "correct horse battery staple" };
    private readonly string _root = MediVaultFactory.NewDataDirectoryPath();

    private string DataDirectory => Path.Combine(_root, "data");
    private string BackupDirectory => Path.Combine(_root, "backup");

    [Fact]
    public async Task BackupThenRestore_AfterTheDataDirectoryIsDestroyed_VerifiesAndServesEveryFileByteForByte()
    {
        var first = SampleFiles.Pdf(300_000);
        var second = SampleFiles.Png(70_000);
        Session patient;
        FileAnswer kept;
        await using (var app = MediVaultFactory.OnDataDirectory(DataDirectory))
        {
            patient = await new Api(app).RegisterPatient();
            kept = await patient.Upload(first, "kept.pdf");
            var gone = await patient.Upload(SampleFiles.Pdf(5_000), "gone.pdf");
            (await patient.Client.DeleteAsync($"/api/files/{gone.Id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
            await patient.Upload(second, "scan.png");
            await patient.SaveProfile();

            // Online: the app is still serving while the backup runs.
            var (backupExit, backupOutput) = await Backup("--passphrase-env", PassphraseVariable);
            backupExit.Should().Be(0, backupOutput);
        }
        Directory.Delete(DataDirectory, recursive: true);

        var (exit, output) = await Restore(Passphrase);

        exit.Should().Be(0, output);
        output.Should().Contain("2 files decrypted and matching their SHA-256");
        await using var restored = MediVaultFactory.OnDataDirectory(DataDirectory);
        var api = new Api(restored);
        var again = await api.LoginAs(patient.Email, patient.Password);
        var files = await (await again.Client.GetAsync($"/api/files/{again.Id}")).ReadAs<FilePage>();
        files.Items.Select(f => f.FileName).Should().BeEquivalentTo("kept.pdf", "scan.png");
        (await again.Client.GetByteArrayAsync($"/api/files/download/{kept.Id}")).Should().Equal(first);
        (await again.Client.GetByteArrayAsync($"/api/files/download/{files.Items.Single(f => f.FileName == "scan.png").Id}")).Should().Equal(second);
        (await (await again.Client.GetAsync("/api/ledger/verify")).ReadAs<LedgerVerificationAnswer>()).Valid.Should().BeTrue();
        Directory.GetFiles(Path.Combine(BackupDirectory, "keys")).Select(Path.GetFileName).Should().NotContain("master.key");
    }

    [Fact]
    public async Task Restore_WrongPassphrase_FailsAndWritesNothing()
    {
        await SeedAndBackUp("--passphrase-env", PassphraseVariable);

        var (exit, output) = await Restore(new() { [PassphraseVariable] = "wrong passphrase" });

        exit.Should().Be(1, output);
        output.Should().Contain("passphrase does not unwrap");
        Directory.Exists(DataDirectory).Should().BeFalse();
    }

    [Fact]
    public async Task Restore_TamperedBlob_FailsVerificationAndLeavesNoDataDirectory()
    {
        await SeedAndBackUp("--passphrase-env", PassphraseVariable);
        var blob = Directory.EnumerateFiles(Path.Combine(BackupDirectory, "blobs"), "*", SearchOption.AllDirectories).Single();
        var bytes = await File.ReadAllBytesAsync(blob);
        bytes[^20] ^= 0x01;
        await File.WriteAllBytesAsync(blob, bytes);

        var (exit, output) = await Restore(Passphrase);

        exit.Should().Be(1, output);
        output.Should().Contain("cannot be read back");
        Directory.Exists(DataDirectory).Should().BeFalse();
    }

    [Fact]
    public async Task Restore_BackupWithoutMasterKey_NeedsTheConfiguredKey()
    {
        await SeedAndBackUp("--without-master-key");

        var (exit, output) = await Restore(null);

        exit.Should().Be(1, output);
        output.Should().Contain("MediVault:MasterKey");
        File.Exists(Path.Combine(BackupDirectory, "keys", "master.key.wrapped")).Should().BeFalse();
    }

    [Fact]
    public async Task Backup_BlobsInAnS3Bucket_IsRefusedWithWhereToBackThemUp()
    {
        var bucket = await S3TestServer.FreshBucketSettingsAsync();
        await using (var app = MediVaultFactory.OnDataDirectory(DataDirectory))
        {
            foreach (var (key, value) in bucket)
                app.Settings[key] = value;
            await (await new Api(app).RegisterPatient()).Upload(SampleFiles.Pdf(20_000));
        }

        var (exit, output) = await ServerProcess.RunVerbAsync(Passphrase,
            ["backup", "--to", BackupDirectory, "--passphrase-env", PassphraseVariable, $"--MediVault:DataDirectory={DataDirectory}", .. bucket.Select(s => $"--{s.Key}={s.Value}")]);

        exit.Should().Be(1, output);
        output.Should().Contain($"keeps them in the S3 bucket '{bucket["MediVault:Storage:S3:Bucket"]}'").And.Contain("docs/deployment.md");
        Directory.Exists(BackupDirectory).Should().BeFalse("nothing that looks like a backup is left");
    }

    [Fact]
    public async Task Restore_IntoAnInstanceOnS3_IsRefusedAndWritesNothing()
    {
        await SeedAndBackUp("--passphrase-env", PassphraseVariable);

        var (exit, output) = await ServerProcess.RunVerbAsync(Passphrase,
            ["restore", "--from", BackupDirectory, "--passphrase-env", PassphraseVariable, $"--MediVault:DataDirectory={DataDirectory}",
             "--MediVault:Storage:Provider=s3", "--MediVault:Storage:S3:Bucket=vault-blobs"]);

        exit.Should().Be(1, output);
        output.Should().Contain("keeps them in the S3 bucket 'vault-blobs'");
        Directory.Exists(DataDirectory).Should().BeFalse();
    }

    [Theory]
    [InlineData("backup", "--to", "DIR")]
    [InlineData("restore")]
    public async Task Verb_WrongUsage_Exits2WithUsage(params string[] arguments)
    {
        var (exit, output) = await ServerProcess.RunVerbAsync(Passphrase, [.. arguments.Select(a => a == "DIR" ? BackupDirectory : a)]);

        exit.Should().Be(2, output);
        output.Should().Contain("usage:");
    }

    private async Task SeedAndBackUp(params string[] masterKey)
    {
        await using (var app = MediVaultFactory.OnDataDirectory(DataDirectory))
            await (await new Api(app).RegisterPatient()).Upload(SampleFiles.Pdf(20_000));
        var (exit, output) = await Backup(masterKey);
        exit.Should().Be(0, output);
        Directory.Delete(DataDirectory, recursive: true);
    }

    private Task<(int ExitCode, string Output)> Backup(params string[] masterKey) =>
        ServerProcess.RunVerbAsync(Passphrase, ["backup", "--to", BackupDirectory, .. masterKey, $"--MediVault:DataDirectory={DataDirectory}"]);

    private Task<(int ExitCode, string Output)> Restore(Dictionary<string, string>? environment) =>
        ServerProcess.RunVerbAsync(environment, environment is null
            ? ["restore", "--from", BackupDirectory, $"--MediVault:DataDirectory={DataDirectory}"]
            : ["restore", "--from", BackupDirectory, "--passphrase-env", PassphraseVariable, $"--MediVault:DataDirectory={DataDirectory}"]);

    public void Dispose() => MediVaultFactory.TryDelete(_root);
}
