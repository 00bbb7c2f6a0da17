using System.Buffers;
using System.Security.Cryptography;

namespace MediVault.Infrastructure.Storage;

/// <summary>Writes a blob in the format of <see cref="BlobFormat"/>, reading the source exactly once.</summary>
internal static class BlobEncryptor
{
    public static async Task EncryptAsync(Stream source, Stream destination, byte[] dataKey, int chunkSize, CancellationToken cancellationToken)
    {
        var noncePrefix = RandomNumberGenerator.GetBytes(BlobFormat.NoncePrefixLength);
        var header = BlobFormat.CreateHeader(chunkSize, noncePrefix);
        await destination.WriteAsync(header, cancellationToken);

        // Two plaintext buffers: the chunk being sealed, and the one read ahead to learn whether it is the last.
        var current = ArrayPool<byte>.Shared.Rent(chunkSize);
        var next = ArrayPool<byte>.Shared.Rent(chunkSize);
        var sealedChunk = ArrayPool<byte>.Shared.Rent(chunkSize + BlobFormat.TagLength);
        try
        {
            using var aes = new AesGcm(dataKey, BlobFormat.TagLength);
            var currentLength = await source.ReadAtLeastAsync(current.AsMemory(0, chunkSize), chunkSize, throwOnEndOfStream: false, cancellationToken);
            for (long index = 0; ; index++)
            {
                var nextLength = currentLength == chunkSize
                    ? await source.ReadAtLeastAsync(next.AsMemory(0, chunkSize), chunkSize, throwOnEndOfStream: false, cancellationToken)
                    : 0;
                var isLast = nextLength == 0;
                Seal(aes, header, index, isLast, current.AsSpan(0, currentLength), sealedChunk);
                await destination.WriteAsync(sealedChunk.AsMemory(0, currentLength + BlobFormat.TagLength), cancellationToken);
                if (isLast)
                    break;
                (current, next) = (next, current);
                currentLength = nextLength;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(current, clearArray: true); // plaintext does not outlive the upload
            ArrayPool<byte>.Shared.Return(next, clearArray: true);
            ArrayPool<byte>.Shared.Return(sealedChunk, clearArray: false);
        }
    }

    private static void Seal(AesGcm aes, byte[] header, long index, bool isLast, ReadOnlySpan<byte> plaintext, byte[] output)
    {
        Span<byte> nonce = stackalloc byte[BlobFormat.NonceLength];
        BlobFormat.ChunkNonce(header, index, isLast, nonce);
        aes.Encrypt(nonce, plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length, BlobFormat.TagLength), header);
    }
}
