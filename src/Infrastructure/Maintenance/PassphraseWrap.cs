using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MediVault.Infrastructure.Maintenance;

/// <summary>
/// The master key in a backup, wrapped by a passphrase: PBKDF2-HMAC-SHA256 (600 000 iterations, 16-byte salt) derives
/// a key for AES-256-GCM. Stored as <c>keys/master.key.wrapped</c> (JSON, every binary field base64). docs/operations.md.
/// </summary>
internal static class PassphraseWrap
{
    public const string FileName = "master.key.wrapped";
    private const int Iterations = 600_000;
    private static readonly byte[] AssociatedData = Encoding.ASCII.GetBytes("medivault-backup-master-key-v1");

    private sealed record Wrapped(int Version, string Kdf, int Iterations, string Salt, string Nonce, string Ciphertext, string Tag);

    public static byte[] Wrap(ReadOnlySpan<byte> masterKey, string passphrase)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var key = Derive(passphrase, salt, Iterations);
        var ciphertext = new byte[masterKey.Length];
        var tag = new byte[16];
        try
        {
            using var aes = new AesGcm(key, tag.Length);
            aes.Encrypt(nonce, masterKey, ciphertext, tag, AssociatedData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
        return JsonSerializer.SerializeToUtf8Bytes(new Wrapped(1, "PBKDF2-HMAC-SHA256", Iterations,
            Convert.ToBase64String(salt), Convert.ToBase64String(nonce), Convert.ToBase64String(ciphertext), Convert.ToBase64String(tag)),
            VaultBackup.Json);
    }

    /// <summary>The master key; a <see cref="CryptographicException"/> for a wrong passphrase or an altered file.</summary>
    public static byte[] Unwrap(ReadOnlySpan<byte> file, string passphrase)
    {
        var wrapped = JsonSerializer.Deserialize<Wrapped>(file, VaultBackup.Json)
            ?? throw new CryptographicException("The wrapped master key is empty.");
        if (wrapped.Version != 1 || wrapped.Iterations < 100_000)
            throw new CryptographicException("The wrapped master key is not of a known version.");
        var ciphertext = Convert.FromBase64String(wrapped.Ciphertext);
        var key = Derive(passphrase, Convert.FromBase64String(wrapped.Salt), wrapped.Iterations);
        var masterKey = new byte[ciphertext.Length];
        try
        {
            using var aes = new AesGcm(key, 16);
            aes.Decrypt(Convert.FromBase64String(wrapped.Nonce), ciphertext, Convert.FromBase64String(wrapped.Tag), masterKey, AssociatedData);
            return masterKey;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static byte[] Derive(string passphrase, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(passphrase), salt, iterations, HashAlgorithmName.SHA256, 32);
}
