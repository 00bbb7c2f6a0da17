using System.Security.Cryptography;
using MediVault.Infrastructure.Configuration;
using Microsoft.IdentityModel.Tokens;

namespace MediVault.Infrastructure.Identity;

/// <summary>
/// The token signing and encryption keys: from configuration (<c>MediVault:Tokens:SigningKey</c> and
/// <c>EncryptionKey</c>, base64 of an RSA private key in DER, PKCS#8 or PKCS#1 (what <c>openssl genpkey -outform DER</c>
/// writes), so that every instance signs and decrypts with the same keys), else RSA keys generated once into the data directory (0600), so tokens stay valid across restarts.
/// Never the ephemeral development certificates.
/// </summary>
internal static class KeyMaterial
{
    public static RsaSecurityKey Load(string? configured, DataDirectory data, string name)
    {
        if (configured is not { Length: > 0 })
            return LoadOrCreate(data, name);
        var rsa = RSA.Create();
        ImportPrivateKey(rsa, Convert.FromBase64String(configured.Trim()));
        return Named(rsa, name);
    }

    /// <summary>An RSA private key in DER: PKCS#8 (PrivateKeyInfo) or PKCS#1 (RSAPrivateKey).</summary>
    private static void ImportPrivateKey(RSA rsa, ReadOnlySpan<byte> der)
    {
        try
        {
            rsa.ImportPkcs8PrivateKey(der, out _);
        }
        catch (CryptographicException)
        {
            rsa.ImportRSAPrivateKey(der, out _);
        }
    }

    /// <summary>Whether <paramref name="configured"/> is the base64 of an RSA private key (PKCS#8 or PKCS#1 DER) of 2048 bits or more.</summary>
    public static bool IsValid(string configured)
    {
        var buffer = new byte[configured.Length];
        if (!Convert.TryFromBase64String(configured.Trim(), buffer, out var written))
            return false;
        using var rsa = RSA.Create();
        try
        {
            ImportPrivateKey(rsa, buffer.AsSpan(0, written));
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
