using System.Buffers.Text;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MediVault.Application.Sharing.SmartHealthLinks;

/// <summary>What a JWE held: the <c>cty</c> of its header and the plaintext.</summary>
public sealed record JweContent(string? ContentType, byte[] Plaintext);

/// <summary>
/// JSON Web Encryption (RFC 7516) in compact serialization, the one profile SMART Health Links use: <c>"alg":"dir"</c>
/// (the 32-byte link key is the content key), <c>"enc":"A256GCM"</c>, a <c>cty</c>, optionally <c>"zip":"DEF"</c>
/// (raw DEFLATE, RFC 1951, before encryption). Every encryption draws a fresh 96-bit IV, since one key encrypts every
/// version of every file of a link. The protected header's base64url text is the AES-GCM associated data.
/// </summary>
public static class Jwe
{
    public const int KeyLength = 32;
    public const int IvLength = 12;
    public const int TagLength = 16;
    /// <summary>A DEFLATE-compressed plaintext may not inflate beyond this (a compression bomb stops here).</summary>
    public const int MaxInflatedBytes = 64 * 1024 * 1024;

    private static readonly JsonWriterOptions HeaderJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, string contentType, bool deflate = false)
    {
        if (key.Length != KeyLength)
            throw new ArgumentException("The key must be 32 bytes.", nameof(key));
        var protectedHeader = Base64Url.EncodeToString(Header(contentType, deflate));
        var content = deflate ? Deflate(plaintext) : plaintext.ToArray();
        var iv = RandomNumberGenerator.GetBytes(IvLength);
        var ciphertext = new byte[content.Length];
        var tag = new byte[TagLength];
        using (var aes = new AesGcm(key, TagLength))
            aes.Encrypt(iv, content, ciphertext, tag, Encoding.ASCII.GetBytes(protectedHeader));
        CryptographicOperations.ZeroMemory(content);
        return string.Concat(protectedHeader, "..", Base64Url.EncodeToString(iv), ".", Base64Url.EncodeToString(ciphertext), ".", Base64Url.EncodeToString(tag));
    }

    /// <summary>
    /// The content of a compact JWE of this profile. A <see cref="CryptographicException"/> when it does not
    /// authenticate under the key; a <see cref="FormatException"/> when it is not such a JWE at all.
    /// </summary>
    public static JweContent Decrypt(ReadOnlySpan<byte> key, string jwe)
    {
        var parts = jwe.Split('.');
        if (parts.Length != 5 || parts[1].Length != 0)
            throw new FormatException("Not a compact JWE with direct encryption (five parts, an empty encrypted key).");
        string? contentType;
        bool deflated;
        using (var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0])))
        {
            var root = header.RootElement;
            if (Text(root, "alg") != "dir" || Text(root, "enc") != "A256GCM")
                throw new FormatException("Only \"alg\":\"dir\" with \"enc\":\"A256GCM\" is supported.");
            var zip = Text(root, "zip");
            if (zip is not (null or "DEF"))
                throw new FormatException("Only \"zip\":\"DEF\" is supported.");
            deflated = zip == "DEF";
            contentType = Text(root, "cty");
        }
        var iv = Base64Url.DecodeFromChars(parts[2]);
        var ciphertext = Base64Url.DecodeFromChars(parts[3]);
        var tag = Base64Url.DecodeFromChars(parts[4]);
        if (iv.Length != IvLength || tag.Length != TagLength)
            throw new FormatException("A256GCM needs a 96-bit IV and a 128-bit tag.");
        var plaintext = new byte[ciphertext.Length];
        using (var aes = new AesGcm(key, TagLength))
            aes.Decrypt(iv, ciphertext, tag, plaintext, Encoding.ASCII.GetBytes(parts[0]));
        return new JweContent(contentType, deflated ? Inflate(plaintext) : plaintext);
    }

    private static byte[] Header(string contentType, bool deflate)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, HeaderJson))
        {
            writer.WriteStartObject();
            writer.WriteString("alg", "dir");
            writer.WriteString("enc", "A256GCM");
            writer.WriteString("cty", contentType);
            if (deflate)
                writer.WriteString("zip", "DEF");
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[] Deflate(ReadOnlySpan<byte> plaintext)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
            deflate.Write(plaintext);
        return output.ToArray();
    }

    private static byte[] Inflate(byte[] compressed)
    {
        using var input = new DeflateStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[81_920];
        int read;
        while ((read = input.Read(buffer)) > 0)
        {
            if (output.Length + read > MaxInflatedBytes)
                throw new FormatException("The compressed content inflates beyond the limit.");
            output.Write(buffer, 0, read);
        }
        return output.ToArray();
    }
}
