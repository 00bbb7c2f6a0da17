using System.Security.Cryptography;
using MediVault.Infrastructure.Configuration;

namespace MediVault.Infrastructure.Ledger.Transparency;

/// <summary>Where the checkpoint signer's key and name come from (docs/ledger.md, "Signed checkpoints").</summary>
internal static class LedgerSigningKey
{
    public const string FileName = "ledger-ed25519.key";

    /// <summary>MediVault:Ledger:Origin, else PublicBaseUrl's host + "/ledger", else "localhost/ledger".</summary>
    public static string Origin(MediVaultOptions options)
    {
        if (options.Ledger.Origin is { Length: > 0 } origin)
            return origin;
        return options.PublicBaseUrl is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri)
            ? uri.Host + "/ledger"
            : "localhost/ledger";
    }

    /// <summary>
    /// The key from MediVault:Ledger:SigningKey (so that several instances sign with one key), else the one in the data
    /// directory's keys/ folder, generated there (0600) on first start.
    /// </summary>
    public static NoteSigner Load(MediVaultOptions options, DataDirectory data)
    {
        var name = Origin(options);
        if (options.Ledger.SigningKey is { } configured)
            return NoteSigner.FromSeed(name, Convert.FromBase64String(configured));

        var path = Path.Combine(data.KeysPath, FileName);
        if (!File.Exists(path))
        {
            var seed = RandomNumberGenerator.GetBytes(32);
            try
            {
                DataDirectory.WriteSecretFile(path, System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(seed)));
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another instance on the same data directory wrote it first: use theirs.
            }
        }

        return NoteSigner.FromSeed(name, Convert.FromBase64String(File.ReadAllText(path).Trim()));
    }
}
