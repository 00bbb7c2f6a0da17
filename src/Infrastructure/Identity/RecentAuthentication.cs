using System.Buffers.Binary;
using System.Security.Cryptography;
using MediVault.Application.Common.Abstractions;

namespace MediVault.Infrastructure.Identity;

/// <summary>
/// Proofs of a recent password check: base64url of user id (16) ‖ expiry in Unix seconds (8) ‖ HMAC-SHA256 of both
/// under a key derived from the master key (HKDF, its own purpose), so that a proof made by one instance is good on
/// every other (issue 13). They last five minutes.
/// </summary>
internal sealed class RecentAuthentication(TimeProvider clock, Storage.MasterKey masterKey) : IRecentAuthentication, IDisposable
{
    private const int BodyLength = 16 + 8;
    private readonly byte[] _key = masterKey.DeriveKey("medivault-reauthentication-v1");

    public TimeSpan Lifetime { get; } = TimeSpan.FromMinutes(5);

    public ReauthenticationProof Issue(Guid userId)
    {
        var expires = clock.GetUtcNow() + Lifetime;
        var proof = new byte[BodyLength + HMACSHA256.HashSizeInBytes];
        userId.TryWriteBytes(proof.AsSpan(0, 16));
        BinaryPrimitives.WriteInt64BigEndian(proof.AsSpan(16, 8), expires.ToUnixTimeSeconds());
        HMACSHA256.HashData(_key, proof.AsSpan(0, BodyLength), proof.AsSpan(BodyLength));
        return new ReauthenticationProof(Base64Url(proof), DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()).UtcDateTime);
    }

    public bool IsValid(string? proof, Guid userId)
    {
        if (proof is not { Length: > 0 and < 128 })
            return false;
        var bytes = new byte[96];
        var base64 = proof.Replace('-', '+').Replace('_', '/');
        base64 += new string('=', (4 - base64.Length % 4) % 4);
        if (!Convert.TryFromBase64String(base64, bytes, out var length) || length != BodyLength + HMACSHA256.HashSizeInBytes)
            return false;
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, bytes.AsSpan(0, BodyLength), expected);
        return CryptographicOperations.FixedTimeEquals(expected, bytes.AsSpan(BodyLength, HMACSHA256.HashSizeInBytes))
            && new Guid(bytes.AsSpan(0, 16)) == userId
            && BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(16, 8)) > clock.GetUtcNow().ToUnixTimeSeconds();
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_key);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
