using System.Security.Cryptography;
using System.Text;

namespace MediVault.Infrastructure.Storage;

/// <summary>
/// One sealed text value in the database: version (0x01) ‖ nonce (12) ‖ AES-256-GCM ciphertext ‖ tag (16), under the
/// patient's data key. The associated data names the row (<c>medivault-text-v1:</c> table <c>/</c> id), so a sealed
/// value copied onto another row does not open there (docs/storage.md, "Medical text").
/// </summary>
internal static class SealedText
{
    private const byte Version = 1;
    private const int Overhead = 1 + BlobFormat.NonceLength + BlobFormat.TagLength;

    public static byte[] Seal(ReadOnlySpan<byte> key, string text, string table, Guid rowId)
    {
        var plaintext = Encoding.UTF8.GetBytes(text);
        try
        {
            var sealedValue = new byte[Overhead + plaintext.Length];
            sealedValue[0] = Version;
            var nonce = sealedValue.AsSpan(1, BlobFormat.NonceLength);
            RandomNumberGenerator.Fill(nonce);
            using var aes = new AesGcm(key, BlobFormat.TagLength);
            aes.Encrypt(nonce, plaintext, sealedValue.AsSpan(1 + BlobFormat.NonceLength, plaintext.Length),
                sealedValue.AsSpan(1 + BlobFormat.NonceLength + plaintext.Length), AssociatedData(table, rowId));
            return sealedValue;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>The text, or a <see cref="CryptographicException"/> when the value was altered, moved, or sealed under another key.</summary>
    public static string Open(ReadOnlySpan<byte> key, byte[] sealedValue, string table, Guid rowId)
    {
        if (sealedValue is not { Length: >= Overhead } || sealedValue[0] != Version)
            throw new CryptographicException("The sealed text is not of a known version.");
        var length = sealedValue.Length - Overhead;
        var plaintext = new byte[length];
        try
        {
            using var aes = new AesGcm(key, BlobFormat.TagLength);
            aes.Decrypt(sealedValue.AsSpan(1, BlobFormat.NonceLength), sealedValue.AsSpan(1 + BlobFormat.NonceLength, length),
                sealedValue.AsSpan(1 + BlobFormat.NonceLength + length), plaintext, AssociatedData(table, rowId));
            return Encoding.UTF8.GetString(plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private static byte[] AssociatedData(string table, Guid rowId) =>
        Encoding.ASCII.GetBytes($"medivault-text-v1:{table}/{rowId:D}");
}
