using System.Security.Cryptography;
using MediVault.Infrastructure.Configuration;
using Microsoft.IdentityModel.Tokens;

namespace MediVault.Infrastructure.Identity;

/// <summary>
/// The token signing and encryption keys: from configuration (<c>MediVault:Tokens:SigningKey</c> and
/// <c>EncryptionKey</c>, base64 of an RSA private key in PKCS#8 DER, so that every instance signs and decrypts with the
/// same keys), else RSA keys generated once into the data directory (0600), so tokens stay valid across restarts.
/// Never the ephemeral development certificates.
/// </summary>
internal static class KeyMaterial
{
    public static RsaSecurityKey Load(string? configured, DataDirectory data, string name)
    {
        if (configured is not { Length: > 0 })
            return LoadOrCreate(data, name);
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(Convert.FromBase64String(configured.Trim()), out _);
        return Named(rsa, name);
    }

    /// <summary>Whether <paramref name="configured"/> is the base64 of an RSA private key in PKCS#8 DER of 2048 bits or more.</summary>
    public static bool IsValid(string configured)
    {
        var buffer = new byte[configured.Length];
        if (!Convert.TryFromBase64String(configured.Trim(), buffer, out var written))
            return false;
        using var rsa = RSA.Create();
        try
        {
            rsa.ImportPkcs8PrivateKey(buffer.AsSpan(0, written), out _);
            return rsa.KeySize >= 2048;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public static RsaSecurityKey LoadOrCreate(DataDirectory data, string name)
    {
        var path = Path.Combine(data.KeysPath, name + ".pem");
        var rsa = RSA.Create();
        if (!File.Exists(path))
        {
            rsa.KeySize = 2048;
            try
            {
                DataDirectory.WriteSecretFile(path, System.Text.Encoding.ASCII.GetBytes(rsa.ExportPkcs8PrivateKeyPem()));
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another instance created it first: use theirs.
            }
        }
        rsa.ImportFromPem(File.ReadAllText(path));
        return Named(rsa, name);
    }

    private static RsaSecurityKey Named(RSA rsa, string name) =>
        new RsaSecurityKey(rsa) { KeyId = name + "-" + Convert.ToHexStringLower(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()))[..16] };
}
