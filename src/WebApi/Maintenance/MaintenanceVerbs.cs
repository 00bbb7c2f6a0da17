using MediVault.Infrastructure;
using MediVault.Infrastructure.Configuration;
using MediVault.Infrastructure.Maintenance;
using MediVault.Infrastructure.Storage;

namespace MediVault.WebApi.Maintenance;

/// <summary>
/// The operator's verbs of the executable, run instead of the server:
/// <c>backup --to DIR (--passphrase-env VAR | --without-master-key)</c>, <c>restore --from DIR [--passphrase-env VAR]</c>
/// and <c>migrate</c> (an embedded vault into PostgreSQL + S3, <see cref="MigrateVerb"/>).
/// Other arguments are configuration, as for the server (e.g. <c>--MediVault:DataDirectory=/srv/medivault</c>).
/// Exit codes: 0 done, 1 refused or failed verification, 2 wrong usage. docs/operations.md.
/// </summary>
internal static class MaintenanceVerbs
{
    public const string Usage =
        "usage: MediVault.WebApi backup --to DIR (--passphrase-env VAR | --without-master-key) [config...]\n" +
        "       MediVault.WebApi restore --from DIR [--passphrase-env VAR] [config...]\n" + MigrateVerb.Usage;

    public static bool IsVerb(string[] args) => args is ["backup" or "restore" or "migrate", ..];

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (args[0] == "migrate")
            return await MigrateVerb.RunAsync(args, output, error);
        if (!TryParse(args, out var verb, out var problem))
        {
            await error.WriteLineAsync(problem + "\n" + Usage);
            return 2;
        }

        try
        {
            if (verb.Name == "backup")
            {
                using var host = Build(verb.Configuration);
                var manifest = await VaultBackup.RunAsync(host.Services, verb.Folder, new MasterKeyHandling(verb.Passphrase), CancellationToken.None);
                await output.WriteLineAsync($"Backed up to {Path.GetFullPath(verb.Folder)}: ledger of {manifest.LedgerLength} blocks (head {manifest.LedgerHeadHash}), " +
                    $"{manifest.Blobs} blobs, master key {(manifest.MasterKeyIncluded ? "wrapped by the passphrase" : "left out")}.");
                return 0;
            }

            var configuration = Configure(verb.Configuration);
            var options = configuration.Configuration.GetSection(MediVaultOptions.Section).Get<MediVaultOptions>() ?? new MediVaultOptions();
            var dataDirectory = Path.GetFullPath(options.DataDirectory, configuration.Environment.ContentRootPath);
            VaultRestore.RequireLocalBlobs(configuration.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions());
            VaultRestore.Unpack(verb.Folder, dataDirectory, verb.Passphrase, masterKeyConfigured: !string.IsNullOrEmpty(options.MasterKey));
            try
            {
                using var host = Build(verb.Configuration);
                var report = await VaultRestore.VerifyAsync(host.Services, CancellationToken.None);
                await output.WriteLineAsync($"Restored into {dataDirectory} and verified: ledger of {report.LedgerLength} blocks valid " +
                    $"(head {report.LedgerHeadHash}), {report.FilesVerified} files decrypted and matching their SHA-256.");
                return 0;
            }
            catch
            {
                // A restore that does not verify leaves nothing that could be mistaken for a good data directory.
                VaultRestore.ReleaseDatabaseFiles();
                Directory.Delete(dataDirectory, recursive: true);
                throw;
            }
        }
        catch (MaintenanceException ex)
        {
            await error.WriteLineAsync($"{verb.Name} failed: {ex.Message}");
            return 1;
        }
    }

    private sealed record Verb(string Name, string Folder, string? Passphrase, string[] Configuration);

    private static bool TryParse(string[] args, out Verb verb, out string problem)
    {
        verb = new Verb(args[0], "", null, []);
        string? folder = null, passphraseVariable = null;
        var withoutMasterKey = false;
        var rest = new List<string>();
        var folderOption = args[0] == "backup" ? "--to" : "--from";
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == folderOption && i + 1 < args.Length)
                folder = args[++i];
            else if (args[i] == "--passphrase-env" && i + 1 < args.Length)
                passphraseVariable = args[++i];
            else if (args[i] == "--without-master-key" && args[0] == "backup")
                withoutMasterKey = true;
            else
                rest.Add(args[i]);
        }

        problem = "";
        if (string.IsNullOrWhiteSpace(folder))
            problem = $"{args[0]} needs {folderOption} DIR.";
        else if (args[0] == "backup" && withoutMasterKey == (passphraseVariable is not null))
            problem = "backup needs exactly one of --passphrase-env VAR (the master key is wrapped by that passphrase) or --without-master-key.";
        var passphrase = passphraseVariable is null ? null : Environment.GetEnvironmentVariable(passphraseVariable);
        if (problem.Length == 0 && passphraseVariable is not null && string.IsNullOrEmpty(passphrase))
            problem = $"The environment variable {passphraseVariable} is empty or not set.";
        verb = new Verb(args[0], folder ?? "", passphrase, [.. rest]);
        return problem.Length == 0;
    }

    internal static HostApplicationBuilder Configure(string[] configuration)
    {
        var builder = Host.CreateApplicationBuilder(configuration);
        builder.Logging.ClearProviders();
        return builder;
    }

    private static IHost Build(string[] configuration)
    {
        var builder = Configure(configuration);
        builder.Services.AddInfrastructure(builder.Configuration, builder.Environment);
        return builder.Build();
    }
}
