using System.Buffers.Binary;
using System.Security.Cryptography;

namespace MediVault.Infrastructure.Storage;

/// <summary>
/// The encrypted blob format, version 1 (docs/storage.md): a 20-byte header, then the content in chunks of
/// <see cref="DefaultChunkSize"/> bytes, each sealed with AES-256-GCM and followed by its 16-byte tag. The nonce of chunk i
/// is noncePrefix ‖ i (uint32 BE) ‖ last-flag, so truncation, reordering and bit flips all fail a tag.
/// </summary>
internal static class BlobFormat
{
    public const int HeaderLength = 20;
    public const int NoncePrefixLength = 7;
    public const int NonceLength = 12;
    public const int TagLength = 16;
    public const int KeyLength = 32;
    public const int DefaultChunkSize = 64 * 1024;
    public const byte Version = 1;
    public const byte AlgorithmAes256GcmChunked = 1;
    private static ReadOnlySpan<byte> Magic => "MVBLOB"u8;

    /// <summary>magic "MVBLOB" ‖ version ‖ algorithm ‖ chunk size (uint32 BE) ‖ nonce prefix (7) ‖ reserved 0.</summary>
    public static byte[] CreateHeader(int chunkSize, ReadOnlySpan<byte> noncePrefix)
    {
        var header = new byte[HeaderLength];
        Magic.CopyTo(header);
        header[6] = Version;
        header[7] = AlgorithmAes256GcmChunked;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(8), (uint)chunkSize);
        noncePrefix.CopyTo(header.AsSpan(12, NoncePrefixLength));
        return header;
    }

    /// <summary>Reads the chunk size from a header, or throws when the header is not one this version writes.</summary>
    public static int ReadChunkSize(ReadOnlySpan<byte> header)
    {
        if (header.Length < HeaderLength || !header.StartsWith(Magic) || header[6] != Version || header[7] != AlgorithmAes256GcmChunked || header[19] != 0)
            throw new CryptographicException("Not a MediVault blob of a known version.");
        var chunkSize = BinaryPrimitives.ReadUInt32BigEndian(header[8..]);
        if (chunkSize is < 16 or > 16 * 1024 * 1024)
            throw new CryptographicException("The blob's chunk size is out of range.");
        return (int)chunkSize;
    }

    public static void ChunkNonce(ReadOnlySpan<byte> header, long chunkIndex, bool isLast, Span<byte> nonce)
    {
        if (chunkIndex is < 0 or > uint.MaxValue)
            throw new CryptographicException("A blob holds at most 2^32 chunks.");
        header.Slice(12, NoncePrefixLength).CopyTo(nonce);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[NoncePrefixLength..], (uint)chunkIndex);
        nonce[11] = isLast ? (byte)1 : (byte)0;
    }

    /// <summary>The number of chunks and the plaintext length for a blob of <paramref name="blobLength"/> bytes.</summary>
    public static (long Chunks, long PlaintextLength) Measure(long blobLength, int chunkSize)
    {
        var body = blobLength - HeaderLength;
        if (body < TagLength)
            throw new CryptographicException("The blob is too short to hold its last chunk.");
        long sealedChunk = chunkSize + TagLength;
        var chunks = (body + sealedChunk - 1) / sealedChunk;
        var lastSealed = body - (chunks - 1) * sealedChunk;
        if (lastSealed < TagLength)
            throw new CryptographicException("The blob ends inside a tag.");
        return (chunks, body - chunks * TagLength);
    }
}
