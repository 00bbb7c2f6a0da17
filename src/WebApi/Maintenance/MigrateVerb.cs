using MediVault.Infrastructure;
using MediVault.Infrastructure.Configuration;
using MediVault.Infrastructure.Maintenance;
using MediVault.Infrastructure.Storage;

namespace MediVault.WebApi.Maintenance;

/// <summary>
/// <c>migrate</c>: moves the embedded vault of the configured data directory into an empty PostgreSQL database and an
/// empty S3 bucket, and writes the settings the new instances need (their secrets included) to a new 0600 file; nothing
/// secret is printed. The source is only read. docs/deployment.md, "Moving a vault".
/// </summary>
internal static class MigrateVerb
{
    public const string Usage =
        "       MediVault.WebApi migrate (--to-postgres CONNECTION | --to-postgres-env VAR) --to-s3 BUCKET [--to-s3-url URL] [--to-s3-region REGION]\n" +
        "                                --secrets-out FILE [config...]";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (!TryParse(args, out var target, out var secretsFile, out var configuration, out var problem))
        {
            await error.WriteLineAsync(problem + "\nusage:\n" + Usage);
            return 2;
        }

        var written = false;
        string? scratch = null;
        try
        {
            var source = MaintenanceVerbs.Configure(configuration);
            var options = source.Configuration.GetSection(MediVaultOptions.Section).Get<MediVaultOptions>() ?? new MediVaultOptions();
            var dataDirectory = Path.GetFullPath(options.DataDirectory, source.Environment.ContentRootPath);
            VaultMigration.RequireEmbeddedSource(options, source.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions(), dataDirectory);
            var secrets = VaultSecrets.Read(options, dataDirectory);
            var settings = target.Settings.Concat(secrets.Settings).ToList();
            VaultSecrets.WriteEnvironmentFile(secretsFile, settings);
            written = true;

            // An instance configured on the target, never started: its provider, migrations and blob backend do the work.
            scratch = Directory.CreateTempSubdirectory("medivault-migrate-").FullName;
            var builder = MaintenanceVerbs.Configure(configuration);
            builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))
                .Append(KeyValuePair.Create("MediVault:DataDirectory", (string?)scratch)));
            builder.Services.AddInfrastructure(builder.Configuration, builder.Environment);
            using var host = builder.Build();
            var report = await VaultMigration.RunAsync(dataDirectory, host.Services, CancellationToken.None);
            await output.WriteLineAsync(
                $"Moved {dataDirectory} into PostgreSQL and the bucket {target.Bucket}: {report.Rows} rows in {report.Tables} tables, " +
                $"{report.Blobs} blobs ({report.BlobBytes} bytes), ledger of {report.LedgerLength} blocks (head {report.LedgerHeadHash}).\n" +
                $"Start every instance with the settings in {Path.GetFullPath(secretsFile)} (an environment file; it holds the secrets) " +
                "and the same MediVault:PublicBaseUrl as before. The source is unchanged: keep it until the new instances serve.");
            return 0;
        }
        catch (Exception ex) when (ex is MaintenanceException or InvalidOperationException or ArgumentException or UriFormatException)
        {
            if (written)
                File.Delete(secretsFile);
            await error.WriteLineAsync($"migrate failed: {ex.Message}");
            return 1;
        }
        finally
        {
            if (scratch is not null)
                Directory.Delete(scratch, recursive: true);
        }
    }

    private static bool TryParse(string[] args, out MigrationTarget target, out string secretsFile, out string[] configuration, out string problem)
    {
        string? connection = null, connectionVariable = null, bucket = null, url = null, region = null, secrets = null;
        var rest = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            var hasValue = i + 1 < args.Length;
            switch (args[i])
            {
                case "--to-postgres" when hasValue: connection = args[++i]; break;
                case "--to-postgres-env" when hasValue: connectionVariable = args[++i]; break;
                case "--to-s3" when hasValue: bucket = args[++i]; break;
                case "--to-s3-url" when hasValue: url = args[++i]; break;
                case "--to-s3-region" when hasValue: region = args[++i]; break;
                case "--secrets-out" when hasValue: secrets = args[++i]; break;
                default: rest.Add(args[i]); break;
            }
        }
        if (connectionVariable is not null)
            connection = Environment.GetEnvironmentVariable(connectionVariable);

        problem = (connection, connectionVariable, bucket, secrets) switch
        {
            (_, { } variable, _, _) when string.IsNullOrWhiteSpace(connection) => $"The environment variable {variable} is empty or not set.",
            (null or "", _, _, _) => "migrate needs the target database: --to-postgres CONNECTION or --to-postgres-env VAR.",
            (_, _, null or "", _) => "migrate needs the target bucket: --to-s3 BUCKET (it must exist and be empty).",
            (_, _, _, null or "") => "migrate needs --secrets-out FILE, a new file for the settings (and secrets) of the new instances.",
            _ => "",
        };
        target = new MigrationTarget(connection ?? "", bucket ?? "", url, region ?? "us-east-1");
        secretsFile = secrets ?? "";
        configuration = [.. rest];
        return problem.Length == 0;
    }
}
