using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Storage;

namespace MediVault.Infrastructure.Sharing;

/// <summary>
/// Link keys wrapped by the master key (AES-256-GCM, the link id as associated data), and <c>location</c> tokens sealed
/// under a key derived from the master key: base64url of nonce (12) ‖ AES-256-GCM(link id 16 ‖ entry id 16 ‖ expiry
/// in Unix milliseconds 8) ‖ tag (16), 91 characters. Unguessable, unforgeable, and readable only here; no table.
/// </summary>
internal sealed class SmartHealthLinkSecrets(MasterKey masterKey) : ISmartHealthLinkSecrets, IDisposable
{
    private const string LocationPurpose = "medivault-shl-location-v1";
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private const int PlainLength = 16 + 16 + 8;
    private const int TokenBytes = NonceLength + PlainLength + TagLength;

    private readonly byte[] _locationKey = masterKey.DeriveKey(LocationPurpose);

    public byte[] WrapLinkKey(ReadOnlySpan<byte> linkKey, Guid linkId) => masterKey.WrapLinkKey(linkKey, linkId);

    public byte[] UnwrapLinkKey(byte[] wrapped, Guid linkId)
    {
        try
        {
            return masterKey.UnwrapLinkKey(wrapped, linkId);
        }
        catch (CryptographicException ex)
        {
            throw new StoredContentCorruptException("The link's key cannot be unwrapped.", ex);
        }
    }

    public string SealLocation(ShlFileLocation location)
    {
        Span<byte> plain = stackalloc byte[PlainLength];
        location.LinkId.TryWriteBytes(plain[..16], bigEndian: true, out _);
        location.EntryId.TryWriteBytes(plain[16..32], bigEndian: true, out _);
        BinaryPrimitives.WriteInt64BigEndian(plain[32..], new DateTimeOffset(location.ExpiresAt, TimeSpan.Zero).ToUnixTimeMilliseconds());
        var token = new byte[TokenBytes];
        RandomNumberGenerator.Fill(token.AsSpan(0, NonceLength));
        using var aes = new AesGcm(_locationKey, TagLength);
        aes.Encrypt(token.AsSpan(0, NonceLength), plain, token.AsSpan(NonceLength, PlainLength), token.AsSpan(NonceLength + PlainLength));
        return Base64Url.EncodeToString(token);
    }

    public ShlFileLocation? OpenLocation(string token)
    {
        Span<byte> bytes = stackalloc byte[TokenBytes + 3];
        if (token.Length > 128 || !Base64Url.IsValid(token) || !Base64Url.TryDecodeFromChars(token, bytes, out var written) || written != TokenBytes)
            return null;
        Span<byte> plain = stackalloc byte[PlainLength];
        try
        {
            using var aes = new AesGcm(_locationKey, TagLength);
            aes.Decrypt(bytes[..NonceLength], bytes.Slice(NonceLength, PlainLength), bytes.Slice(NonceLength + PlainLength, TagLength), plain);
        }
        catch (CryptographicException)
        {
            return null;
        }
        return new ShlFileLocation(
            new Guid(plain[..16], bigEndian: true), new Guid(plain[16..32], bigEndian: true),
            DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(plain[32..])).UtcDateTime);
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_locationKey);
}
