using System.Security.Cryptography;
using MediVault.Infrastructure.Configuration;
using Microsoft.IdentityModel.Tokens;

namespace MediVault.Infrastructure.Identity;

/// <summary>
/// The token signing and encryption keys: RSA keys generated once into the data directory (0600),
/// so tokens stay valid across restarts. Never the ephemeral development certificates.
/// </summary>
internal static class KeyMaterial
{
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
        return new RsaSecurityKey(rsa) { KeyId = name + "-" + Convert.ToHexStringLower(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()))[..16] };
    }
}
