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
            Span<byte> associatedData = stackalloc byte[MaxAssociatedDataLength];
            aes.Encrypt(nonce, plaintext, sealedValue.AsSpan(1 + BlobFormat.NonceLength, plaintext.Length),
                sealedValue.AsSpan(1 + BlobFormat.NonceLength + plaintext.Length), AssociatedData(table, rowId, associatedData));
            return sealedValue;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>
    /// The text, or a <see cref="CryptographicException"/> when the value was altered, moved, or sealed under another key.
    /// <paramref name="aes"/> holds the patient's key (<see cref="PatientKeyRing.CipherFor"/>), so many values of one
    /// patient can be opened with one unwrapping of the key.
    /// </summary>
    public static string Open(AesGcm aes, byte[] sealedValue, string table, Guid rowId)
    {
        if (sealedValue is not { Length: >= Overhead } || sealedValue[0] != Version)
            throw new CryptographicException("The sealed text is not of a known version.");
        var length = sealedValue.Length - Overhead;
        // A short text (a file's description, most often) is opened on the stack, a long one (a profile) on the heap;
        // either copy is zeroed once the string is made.
        Span<byte> plaintext = length <= MaxStackPlaintext ? stackalloc byte[MaxStackPlaintext] : new byte[length];
        plaintext = plaintext[..length];
        try
        {
            Span<byte> associatedData = stackalloc byte[MaxAssociatedDataLength];
            aes.Decrypt(sealedValue.AsSpan(1, BlobFormat.NonceLength), sealedValue.AsSpan(1 + BlobFormat.NonceLength, length),
                sealedValue.AsSpan(1 + BlobFormat.NonceLength + length), plaintext, AssociatedData(table, rowId, associatedData));
            return Encoding.UTF8.GetString(plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private const int MaxStackPlaintext = 512;
    private const int MaxTableNameLength = 64;
    private const int MaxAssociatedDataLength = 18 + MaxTableNameLength + 1 + 36;

    /// <summary><c>medivault-text-v1:</c> ‖ table ‖ <c>/</c> ‖ row id ("D" form), written into <paramref name="destination"/>.</summary>
    private static ReadOnlySpan<byte> AssociatedData(string table, Guid rowId, Span<byte> destination)
    {
        if (table.Length > MaxTableNameLength || !Ascii.IsValid(table))
            throw new ArgumentException("A sealed text's table is a short ASCII name.", nameof(table));
        var prefix = "medivault-text-v1:"u8;
        prefix.CopyTo(destination);
        var written = prefix.Length + Encoding.ASCII.GetBytes(table, destination[prefix.Length..]);
        destination[written++] = (byte)'/';
        rowId.TryFormat(destination[written..], out var idLength, "D");
        return destination[..(written + idLength)];
    }
}
