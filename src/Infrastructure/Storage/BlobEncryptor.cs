using System.Buffers;
using System.Security.Cryptography;
using MediVault.Application.Common.Abstractions;

namespace MediVault.Infrastructure.Storage;

/// <summary>
/// Writes a blob in the format of <see cref="BlobFormat"/>, reading the source exactly once, in three overlapping
/// stages over batches of chunks: while batch n+1 is read from the source, the observer (hash, type detection) looks
/// at batch n on one thread and batch n−1 is sealed and written on another. A batch is sealed only once the next read
/// has told whether it holds the last chunk.
/// </summary>
internal static class BlobEncryptor
{
    private const int ChunksPerBatch = 4;

    /// <summary>Encrypts <paramref name="source"/> into <paramref name="destination"/> in the blob format.</summary>
    /// <param name="source">The plaintext, read to its end.</param>
    /// <param name="destination">Where the header and the sealed chunks are written.</param>
    /// <param name="dataKey">The blob's data key.</param>
    /// <param name="chunkSize">Plaintext bytes per chunk.</param>
    /// <param name="observer">Sees each batch of plaintext in order (hashing, type detection), or null.</param>
    /// <param name="cancellationToken">Cancels reading, sealing and writing.</param>
    /// <param name="buffers">Where the batch buffers are rented from and returned to: the shared pool unless a test watches them.</param>
    public static async Task EncryptAsync(
        Stream source, Stream destination, byte[] dataKey, int chunkSize, IContentObserver? observer, CancellationToken cancellationToken,
        ArrayPool<byte>? buffers = null)
    {
        var pool = buffers ?? ArrayPool<byte>.Shared;
        var header = BlobFormat.CreateHeader(chunkSize, RandomNumberGenerator.GetBytes(BlobFormat.NoncePrefixLength));
        await destination.WriteAsync(header, cancellationToken);

        var batchSize = chunkSize * ChunksPerBatch;
        var sealedSize = batchSize + ChunksPerBatch * BlobFormat.TagLength;
        // Three plaintext batches (being read, being observed, being sealed) and two sealed ones (being sealed, being written).
        var plain = new[] { pool.Rent(batchSize), pool.Rent(batchSize), pool.Rent(batchSize) };
        var sealedBatches = new[] { pool.Rent(sealedSize), pool.Rent(sealedSize) };
        var observing = Task.CompletedTask;
        var sealing = Task.CompletedTask;
        using var aes = new AesGcm(dataKey, BlobFormat.TagLength);
        try
        {
            var lengths = new int[3];
            lengths[0] = await ReadBatchAsync(source, plain[0], batchSize, cancellationToken);
            observing = Observe(observer, plain[0], lengths[0], cancellationToken);
            for (long batch = 0; ; batch++)
            {
                var current = (int)(batch % 3);
                var next = (int)((batch + 1) % 3);
                lengths[next] = lengths[current] == batchSize ? await ReadBatchAsync(source, plain[next], batchSize, cancellationToken) : 0;
                var isLast = lengths[next] == 0;

                await sealing; // batch − 1 is written: its plaintext and sealed buffers are free
                var (plaintext, length, output) = (plain[current], lengths[current], sealedBatches[batch % 2]);
                var firstChunk = batch * ChunksPerBatch;
                sealing = Task.Run(async () =>
                {
                    var sealedLength = SealBatch(aes, header, chunkSize, firstChunk, isLast, plaintext.AsSpan(0, length), output);
                    await destination.WriteAsync(output.AsMemory(0, sealedLength), cancellationToken);
                }, cancellationToken);

                await observing; // one observer call at a time, in order
                if (isLast)
                    break;
                observing = Observe(observer, plain[next], lengths[next], cancellationToken);
            }
            await sealing;
        }
        finally
        {
            // Never hand buffers back while another thread may still use them.
            await Task.WhenAll(observing, sealing).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            foreach (var buffer in plain)
                pool.Return(buffer, clearArray: true); // plaintext does not outlive the upload
            foreach (var buffer in sealedBatches)
                pool.Return(buffer);
        }
    }

    private static async Task<int> ReadBatchAsync(Stream source, byte[] buffer, int batchSize, CancellationToken cancellationToken) =>
        await source.ReadAtLeastAsync(buffer.AsMemory(0, batchSize), batchSize, throwOnEndOfStream: false, cancellationToken);

    private static Task Observe(IContentObserver? observer, byte[] batch, int length, CancellationToken cancellationToken) =>
        observer is null || length == 0 ? Task.CompletedTask : Task.Run(() => observer.Observe(batch.AsSpan(0, length)), cancellationToken);

    /// <summary>Seals the chunks of one batch; an empty last batch still gets its one (empty) last chunk.</summary>
    private static int SealBatch(
        AesGcm aes, byte[] header, int chunkSize, long firstChunk, bool isLastBatch, ReadOnlySpan<byte> batch, byte[] output)
    {
        Span<byte> nonce = stackalloc byte[BlobFormat.NonceLength];
        var chunks = Math.Max(1, (batch.Length + chunkSize - 1) / chunkSize);
        var written = 0;
        for (var i = 0; i < chunks; i++)
        {
            var plaintext = batch.Slice(i * chunkSize, Math.Min(chunkSize, batch.Length - i * chunkSize));
            BlobFormat.ChunkNonce(header, firstChunk + i, isLastBatch && i == chunks - 1, nonce);
            aes.Encrypt(nonce, plaintext, output.AsSpan(written, plaintext.Length),
                output.AsSpan(written + plaintext.Length, BlobFormat.TagLength), header);
            written += plaintext.Length + BlobFormat.TagLength;
        }
        return written;
    }
}
