using System.Security.Cryptography;
using System.Text;
using MediVault.Infrastructure.Configuration;
using MediVault.Infrastructure.Storage;

namespace MediVault.Infrastructure.Maintenance;

/// <summary>
/// The four secrets a vault's instances need from configuration once it no longer lives in one data directory: the
/// master key, the ledger's checkpoint-signing seed, and the two token keys (base64 of PKCS#8 DER), each taken from
/// configuration when it is set there, else from the data directory's <c>keys/</c> folder, never generated.
/// </summary>
public sealed class VaultSecrets
{
    private VaultSecrets(string masterKey, string ledgerSigningKey, string tokenSigningKey, string tokenEncryptionKey)
    {
        MasterKey = masterKey;
        LedgerSigningKey = ledgerSigningKey;
        TokenSigningKey = tokenSigningKey;
        TokenEncryptionKey = tokenEncryptionKey;
    }

    public string MasterKey { get; }
    public string LedgerSigningKey { get; }
    public string TokenSigningKey { get; }
    public string TokenEncryptionKey { get; }

    /// <summary>The settings that carry them, as configuration keys.</summary>
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["MediVault:MasterKey"] = MasterKey,
        ["MediVault:Ledger:SigningKey"] = LedgerSigningKey,
        ["MediVault:Tokens:SigningKey"] = TokenSigningKey,
        ["MediVault:Tokens:EncryptionKey"] = TokenEncryptionKey,
    };

    /// <summary>Reads the vault's secrets; a missing one is a <see cref="MaintenanceException"/> (nothing is generated).</summary>
    public static VaultSecrets Read(MediVaultOptions options, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(options);
        var keys = Path.Combine(dataDirectory, "keys");
        var master = options.MasterKey is { Length: > 0 } configured ? configured.Trim() : ReadText(keys, Storage.MasterKey.FileName, "master key");
        if (Storage.MasterKey.Parse(master) is null)
            throw new MaintenanceException("The source's master key is not the base64 of 32 bytes.");
        var ledger = options.Ledger.SigningKey is { Length: > 0 } seed ? seed.Trim() : ReadText(keys, Ledger.Transparency.LedgerSigningKey.FileName, "ledger signing key");
        return new VaultSecrets(master, ledger,
            TokenKey(options.Tokens.SigningKey, keys, "token-signing"),
            TokenKey(options.Tokens.EncryptionKey, keys, "token-encryption"));
    }

    private static string TokenKey(string? configured, string keys, string name)
    {
        if (configured is { Length: > 0 })
            return configured.Trim();
        var pem = ReadText(keys, name + ".pem", name + " key");
        using var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return Convert.ToBase64String(rsa.ExportPkcs8PrivateKey());
    }

    private static string ReadText(string keys, string file, string what)
    {
        var path = Path.Combine(keys, file);
        return File.Exists(path)
            ? File.ReadAllText(path).Trim()
            : throw new MaintenanceException($"The source has no {what}: {path} is missing and it is not configured. Migrate the data directory the app runs on.");
    }

    /// <summary>
    /// Writes <paramref name="settings"/> as an environment file (<c>NAME=value</c> lines, <c>:</c> as <c>__</c>), created
    /// new and readable by the owner only; refuses an existing file.
    /// </summary>
    public static void WriteEnvironmentFile(string path, IEnumerable<KeyValuePair<string, string>> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var text = new StringBuilder("# MediVault settings of the migrated vault (written by `migrate`). Secret: keep it 0600, in a secret store.\n");
        foreach (var (key, value) in settings)
            text.Append(key.Replace(":", "__", StringComparison.Ordinal)).Append('=').Append(value).Append('\n');
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var file = new FileStream(path, options);
            file.Write(Encoding.UTF8.GetBytes(text.ToString()));
            file.Flush(flushToDisk: true);
        }
        catch (IOException) when (File.Exists(path))
        {
            throw new MaintenanceException($"The secrets file {path} exists already: name a new file.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MaintenanceException($"Cannot write the secrets file {path}: {ex.Message}");
        }
    }
}

/// <summary>
/// Where <c>migrate</c> moves a vault: a PostgreSQL database and an S3 bucket. The bucket's credentials come from the
/// S3 SDK's default chain (<c>AWS_ACCESS_KEY_ID</c> and <c>AWS_SECRET_ACCESS_KEY</c>, a profile, an instance role), as
/// for an instance configured without <c>MediVault:Storage:S3:AccessKey</c>.
/// </summary>
public sealed record MigrationTarget(string ConnectionString, string Bucket, string? ServiceUrl, string Region)
{
    /// <summary>The settings of an instance on the target, as configuration keys (the secrets apart).</summary>
    public IReadOnlyDictionary<string, string> Settings
    {
        get
        {
            var settings = new Dictionary<string, string>
            {
                ["MediVault:Database:Provider"] = Persistence.DatabaseProviderNames.Postgres,
                ["ConnectionStrings:" + DependencyInjection.ConnectionStringName] = ConnectionString,
                ["MediVault:Storage:Provider"] = StorageOptions.S3Provider,
                ["MediVault:Storage:S3:Bucket"] = Bucket,
                ["MediVault:Storage:S3:Region"] = Region,
                // Path-style for an S3-compatible store given by its URL; virtual hosts for AWS itself.
                ["MediVault:Storage:S3:ForcePathStyle"] = ServiceUrl is { Length: > 0 } ? "true" : "false",
            };
            if (ServiceUrl is { Length: > 0 })
                settings["MediVault:Storage:S3:ServiceUrl"] = ServiceUrl;
            return settings;
        }
    }
}
