using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace MediVault.Infrastructure.Ledger.Transparency;

/// <summary>
/// Signs notes in the format of C2SP signed-note (Go's golang.org/x/mod/sumdb/note) with Ed25519, signature type 0x01:
/// the text, a blank line, then <c>— &lt;name&gt; base64(4-byte key id ‖ 64-byte signature)</c>. The key id is the first
/// four bytes of SHA-256(name ‖ LF ‖ 0x01 ‖ public key).
/// </summary>
public sealed class NoteSigner : IDisposable
{
    private const byte Ed25519Type = 0x01;
    private readonly Key _key;

    private NoteSigner(string name, Key key)
    {
        if (!NoteKeys.IsValidName(name))
            throw new ArgumentException("A key name is non-empty and has no spaces, no '+' and no control characters.", nameof(name));
        Name = name;
        _key = key;
        PublicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        KeyId = NoteKeys.KeyId(name, PublicKey);
    }

    public string Name { get; }
    public uint KeyId { get; }
    public byte[] PublicKey { get; }

    /// <summary>The verifier key as Go's note package writes it: <c>name+hex key id+base64(0x01 ‖ public key)</c>.</summary>
    public string VerifierKey => $"{Name}+{KeyId:x8}+{Convert.ToBase64String([Ed25519Type, .. PublicKey])}";

    /// <summary>An Ed25519 key from its 32-byte seed (the private key of RFC 8032).</summary>
    public static NoteSigner FromSeed(string name, ReadOnlySpan<byte> seed) =>
        new(name, Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey));

    /// <summary>A key in Go's private-key format: <c>PRIVATE+KEY+name+hex key id+base64(0x01 ‖ seed)</c>.</summary>
    public static NoteSigner FromGoPrivateKey(string privateKey)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        var parts = privateKey.Split('+', 5);
        if (parts.Length != 5 || parts[0] != "PRIVATE" || parts[1] != "KEY")
            throw new FormatException("Not a signed-note private key.");
        var blob = Convert.FromBase64String(parts[4]);
        if (blob.Length != 33 || blob[0] != Ed25519Type)
            throw new FormatException("Not an Ed25519 signed-note private key.");
        var signer = FromSeed(parts[2], blob.AsSpan(1));
        if (!string.Equals(parts[3], signer.KeyId.ToString("x8"), StringComparison.Ordinal))
        {
            signer.Dispose();
            throw new FormatException("The key id does not match the key.");
        }

        return signer;
    }

    /// <summary>The signature line for <paramref name="text"/> (which must end with LF), without its final LF.</summary>
    public string SignatureLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.EndsWith('\n'))
            throw new ArgumentException("A note's text ends with a newline.", nameof(text));
        var signature = SignatureAlgorithm.Ed25519.Sign(_key, Encoding.UTF8.GetBytes(text));
        var blob = new byte[4 + signature.Length];
        BinaryPrimitives.WriteUInt32BigEndian(blob, KeyId);
        signature.CopyTo(blob, 4);
        return $"— {Name} {Convert.ToBase64String(blob)}";
    }

    /// <summary>The signed note: the text, a blank line, the signature line.</summary>
    public string Sign(string text) => text + "\n" + SignatureLine(text) + "\n";

    public void Dispose() => _key.Dispose();
}

/// <summary>Parsing and checking of signed-note verifier keys and signatures.</summary>
public static class NoteKeys
{
    public static bool IsValidName(string name) =>
        !string.IsNullOrEmpty(name) && name.All(c => c > ' ' && c != '+' && c != '\u007f');

    public static uint KeyId(string name, ReadOnlySpan<byte> publicKey)
    {
        var input = new byte[Encoding.UTF8.GetByteCount(name) + 2 + publicKey.Length];
        var written = Encoding.UTF8.GetBytes(name, input);
        input[written] = (byte)'\n';
        input[written + 1] = 0x01;
        publicKey.CopyTo(input.AsSpan(written + 2));
        return BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(input));
    }

    /// <summary>Verifies <paramref name="note"/> with a verifier key in Go's format; on success gives the signed text.</summary>
    public static bool TryVerify(string note, string verifierKey, out string text)
    {
        text = "";
        ArgumentNullException.ThrowIfNull(note);
        ArgumentNullException.ThrowIfNull(verifierKey);
        var parts = verifierKey.Split('+', 3);
        if (parts.Length != 3 || !IsValidName(parts[0]))
            return false;
        byte[] blob;
        try
        {
            blob = Convert.FromBase64String(parts[2]);
        }
        catch (FormatException)
        {
            return false;
        }

        if (blob.Length != 33 || blob[0] != 0x01)
            return false;
        var publicKey = blob[1..];
        var keyId = KeyId(parts[0], publicKey);
        if (!string.Equals(parts[1], keyId.ToString("x8"), StringComparison.Ordinal))
            return false;

        var split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0 || !note.EndsWith('\n'))
            return false;
        var candidate = note[..(split + 1)];
        foreach (var line in note[(split + 2)..^1].Split('\n'))
        {
            if (TrySignature(line, parts[0], keyId, out var signature) &&
                PublicKey.TryImport(SignatureAlgorithm.Ed25519, publicKey, KeyBlobFormat.RawPublicKey, out var key) &&
                SignatureAlgorithm.Ed25519.Verify(key!, Encoding.UTF8.GetBytes(candidate), signature))
            {
                text = candidate;
                return true;
            }
        }

        return false;
    }

    private static bool TrySignature(string line, string name, uint keyId, out byte[] signature)
    {
        signature = [];
        var prefix = "— " + name + " ";
        if (!line.StartsWith(prefix, StringComparison.Ordinal))
            return false;
        byte[] blob;
        try
        {
            blob = Convert.FromBase64String(line[prefix.Length..]);
        }
        catch (FormatException)
        {
            return false;
        }

        if (blob.Length != 4 + 64 || BinaryPrimitives.ReadUInt32BigEndian(blob) != keyId)
            return false;
        signature = blob[4..];
        return true;
    }
}
