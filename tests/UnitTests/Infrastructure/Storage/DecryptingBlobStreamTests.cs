using System.Buffers;
using System.Security.Cryptography;
using MediVault.Infrastructure.Storage;
using MediVault.UnitTests.TestSupport;

namespace MediVault.UnitTests.Infrastructure.Storage;

/// <summary>
/// The decrypting stream over a blob held in memory with small chunks: where it stops, what it does after a failed
/// chunk, and a blob that changes under it (shorter than it said), which a file on disk cannot be made to do on cue.
/// </summary>
public sealed class DecryptingBlobStreamTests
{
    private const int Chunk = 16;
    private readonly byte[] _dataKey = RandomNumberGenerator.GetBytes(BlobFormat.KeyLength);

    private async Task<byte[]> SealAsync(byte[] content)
    {
        using var sealedBlob = new MemoryStream();
        await BlobEncryptor.EncryptAsync(new MemoryStream(content), sealedBlob, _dataKey, Chunk, null, CancellationToken.None);
        return sealedBlob.ToArray();
    }

    private Task<DecryptingBlobStream> OpenAsync(InMemoryReader reader) => DecryptingBlobStream.OpenAsync(reader, _dataKey, CancellationToken.None);

    [Fact]
    public async Task Open_TheBlobShrankBelowItsHeaderAfterItsLengthWasTaken_IsRefusedAndClosed()
    {
        var blob = await SealAsync(RandomNumberGenerator.GetBytes(3 * Chunk));
        // The length was read while the blob was whole; by the header read only 19 bytes are left, which still look right.
        var reader = new InMemoryReader(blob[..(BlobFormat.HeaderLength - 1)], claimedLength: blob.Length);

        var act = () => OpenAsync(reader);

        (await act.Should().ThrowAsync<CryptographicException>()).WithMessage("The blob is shorter than its header.");
        reader.Disposed.Should().BeTrue();
    }

    [Fact]
    public async Task Open_ANotMediVaultHeader_IsRefusedAndClosed()
    {
        var blob = await SealAsync(RandomNumberGenerator.GetBytes(10));
        blob[0] ^= 0xff;
        var reader = new InMemoryReader(blob);

        var act = () => OpenAsync(reader);

        await act.Should().ThrowAsync<CryptographicException>();
        reader.Disposed.Should().BeTrue();
    }

    [Fact]
    public async Task Read_AtTheEndOfABlobOfWholeChunks_ReturnsNothing()
    {
        var content = RandomNumberGenerator.GetBytes(2 * Chunk);
        using var stream = await OpenAsync(new InMemoryReader(await SealAsync(content)));

        stream.Position = stream.Length;

        stream.Read(new byte[Chunk]).Should().Be(0);
        (await stream.ReadAsync(new byte[Chunk])).Should().Be(0);
        stream.Position.Should().Be(2 * Chunk);
    }

    [Fact]
    public async Task Read_AnEmptyBufferOverADamagedChunk_ReturnsNothingWithoutOpeningIt()
    {
        var blob = await SealAsync(RandomNumberGenerator.GetBytes(2 * Chunk));
        blob[BlobFormat.HeaderLength + 1] ^= 0x01;
        using var stream = await OpenAsync(new InMemoryReader(blob));

        stream.Read([]).Should().Be(0);
        (await stream.ReadAsync(Memory<byte>.Empty)).Should().Be(0);
    }

    [Fact]
    public async Task TheStream_IsReadOnlyAndSeekable()
    {
        using var stream = await OpenAsync(new InMemoryReader(await SealAsync(RandomNumberGenerator.GetBytes(10))));

        (stream.CanRead, stream.CanSeek, stream.CanWrite).Should().Be((true, true, false));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Read_AChunkThatFailed_FailsAgainWhenReadAgain(bool async)
    {
        var blob = await SealAsync(RandomNumberGenerator.GetBytes(3 * Chunk));
        blob[BlobFormat.HeaderLength + Chunk + BlobFormat.TagLength + 3] ^= 0x01; // inside the second chunk
        using var stream = await OpenAsync(new InMemoryReader(blob));
        stream.ReadExactly(new byte[Chunk]);
        var read = async () => _ = async ? await stream.ReadAsync(new byte[Chunk]) : stream.Read(new byte[Chunk]);
        await read.Should().ThrowAsync<CryptographicException>();

        stream.Position = Chunk;

        await read.Should().ThrowAsync<CryptographicException>("no byte of a chunk that failed is ever handed out");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Read_AfterAChunkFailed_AnEarlierChunkStillReadsAsItWas(bool async)
    {
        var content = RandomNumberGenerator.GetBytes(3 * Chunk);
        var blob = await SealAsync(content);
        blob[BlobFormat.HeaderLength + Chunk + BlobFormat.TagLength + 3] ^= 0x01; // inside the second chunk
        using var stream = await OpenAsync(new InMemoryReader(blob));
        var first = new byte[Chunk];
        stream.ReadExactly(first);

        var act = async () => _ = async ? await stream.ReadAsync(new byte[Chunk]) : stream.Read(new byte[Chunk]);
        await act.Should().ThrowAsync<CryptographicException>();
        stream.Position = 0;
        var again = new byte[Chunk];
        var read = async ? await stream.ReadAsync(again) : stream.Read(again);

        read.Should().Be(Chunk);
        again.Should().Equal(content[..Chunk]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Read_TheBlobShrankAfterItWasOpened_IsRefused(bool async)
    {
        var blob = await SealAsync(RandomNumberGenerator.GetBytes(3 * Chunk));
        var reader = new InMemoryReader(blob);
        using var stream = await OpenAsync(reader);
        reader.Bytes = blob[..^10];
        stream.Position = 2 * Chunk;

        var act = async () => _ = async ? await stream.ReadAsync(new byte[Chunk]) : stream.Read(new byte[Chunk]);

        (await act.Should().ThrowAsync<CryptographicException>()).WithMessage("The blob is shorter than it was.");
    }

    [Fact]
    public async Task Dispose_NeverRead_ClosesTheReader()
    {
        var reader = new InMemoryReader(await SealAsync(RandomNumberGenerator.GetBytes(10)));
        var stream = await OpenAsync(reader);

        stream.Dispose();

        reader.Disposed.Should().BeTrue();
    }

    [Fact]
    public async Task Dispose_AfterReads_ClosesTheReader_AndMayBeRepeated()
    {
        var reader = new InMemoryReader(await SealAsync(RandomNumberGenerator.GetBytes(3 * Chunk)));
        var stream = await OpenAsync(reader);
        stream.ReadExactly(new byte[2 * Chunk]);

        stream.Dispose();
        stream.Dispose();

        reader.Disposed.Should().BeTrue();
    }

    [Fact]
    public async Task Dispose_ClearsThePlaintextOutOfTheBufferItGivesBackToThePool()
    {
        var content = RandomNumberGenerator.GetBytes(Chunk);
        var pool = new WatchedArrayPool();
        var stream = await DecryptingBlobStream.OpenAsync(new InMemoryReader(await SealAsync(content)), _dataKey, CancellationToken.None, pool);
        stream.ReadExactly(new byte[Chunk]);
        pool.Returned.Should().BeEmpty("the buffers are kept while the stream is open");

        stream.Dispose();

        pool.Returned.Should().HaveCount(2, "both chunk buffers go back");
        pool.Holding(content).Should().BeEmpty("the plaintext is cleared before its buffer goes back");
    }

    [Fact]
    public async Task ReadingEveryChunk_UsesOnePlaintextAndOneSealedBuffer_AndGivesBothBack()
    {
        var content = RandomNumberGenerator.GetBytes(3 * Chunk + 5);
        var pool = new WatchedArrayPool();
        var stream = await DecryptingBlobStream.OpenAsync(new InMemoryReader(await SealAsync(content)), _dataKey, CancellationToken.None, pool);

        var read = new byte[content.Length];
        stream.ReadExactly(read);
        stream.Dispose();

        read.Should().Equal(content);
        pool.Rented.Should().Be(2, "each chunk is opened into the same two buffers");
        pool.Returned.Should().HaveCount(2);
    }

    /// <summary>A blob in memory whose bytes the test can change after it was opened; reports its length as it was opened.</summary>
    private sealed class InMemoryReader(byte[] bytes, long? claimedLength = null) : IBlobReader
    {
        public byte[] Bytes { get; set; } = bytes;
        public bool Disposed { get; private set; }
        public long Length { get; } = claimedLength ?? bytes.Length;

        public ValueTask<int> ReadAtAsync(Memory<byte> buffer, long offset, CancellationToken cancellationToken) =>
            ValueTask.FromResult(ReadAt(buffer.Span, offset));

        public int ReadAt(Span<byte> buffer, long offset)
        {
            if (offset >= Bytes.Length)
                return 0;
            var count = (int)Math.Min(buffer.Length, Bytes.Length - offset);
            Bytes.AsSpan((int)offset, count).CopyTo(buffer);
            return count;
        }

        public void Dispose() => Disposed = true;
    }
}
