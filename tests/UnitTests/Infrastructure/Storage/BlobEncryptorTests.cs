using System.Security.Cryptography;
using MediVault.Infrastructure.Storage;
using MediVault.UnitTests.TestSupport;

namespace MediVault.UnitTests.Infrastructure.Storage;

/// <summary>
/// The encryptor's pipeline edges that a whole upload does not show: it asks the source for more only until the
/// source says it has ended, and a failed write of the last batch fails the encryption instead of vanishing with the
/// background task that did it.
/// </summary>
public sealed class BlobEncryptorTests
{
    private const int Chunk = 16;
    private const int Batch = 4 * Chunk; // BlobEncryptor.ChunksPerBatch chunks
    private readonly byte[] _dataKey = RandomNumberGenerator.GetBytes(BlobFormat.KeyLength);

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(Batch)]
    [InlineData(2 * Batch)]
    [InlineData(Batch + 1)]
    public async Task Encrypt_AsksTheSourceForMoreOnlyUntilItHasEnded(int length)
    {
        var source = new EndCountingStream(RandomNumberGenerator.GetBytes(length));

        await BlobEncryptor.EncryptAsync(source, new MemoryStream(), _dataKey, Chunk, null, CancellationToken.None);

        source.ReadsAtTheEnd.Should().Be(1, "a source that has answered 0 once has ended, and a network source may block if asked again");
    }

    [Theory]
    [InlineData(Batch)]
    [InlineData(3 * Batch + 5)]
    public async Task Encrypt_GivesBackEveryBufferItRents_AndNoneStillHoldsThePlaintext(int length)
    {
        var content = RandomNumberGenerator.GetBytes(length);
        var pool = new WatchedArrayPool();

        await BlobEncryptor.EncryptAsync(new MemoryStream(content), new MemoryStream(), _dataKey, Chunk, null, CancellationToken.None, pool);

        pool.Rented.Should().Be(5, "three plaintext batches and two sealed ones, whatever the length");
        pool.Returned.Should().HaveCount(5);
        pool.Holding(content.AsSpan(0, Batch).ToArray()).Should().BeEmpty("a plaintext batch is cleared before it goes back");
    }

    [Theory]
    [InlineData(10)]
    [InlineData(3 * Batch + 5)]
    public async Task Encrypt_TheLastBatchCannotBeWritten_Fails(int length)
    {
        // The header and every batch but the last are written; the last batch's write fails.
        var batches = (length + Batch - 1) / Batch;
        var destination = new FailingWriteStream(failAtWrite: 1 + batches);

        var act = () => BlobEncryptor.EncryptAsync(
            new MemoryStream(RandomNumberGenerator.GetBytes(length)), destination, _dataKey, Chunk, null, CancellationToken.None);

        await act.Should().ThrowAsync<IOException>().WithMessage("The disk is full.");
        destination.Writes.Should().Be(1 + batches);
    }

    /// <summary>A readable stream over <paramref name="content"/> that counts the reads it answers with 0 (the end).</summary>
    private sealed class EndCountingStream(byte[] content) : Stream
    {
        private int _position;

        public int ReadsAtTheEnd { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = Math.Min(buffer.Length, content.Length - _position);
            content.AsSpan(_position, read).CopyTo(buffer);
            _position += read;
            if (read == 0 && buffer.Length > 0)
                ReadsAtTheEnd++;
            return read;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A destination whose n-th write (counting from 1) fails as a full disk would.</summary>
    private sealed class FailingWriteStream(int failAtWrite) : MemoryStream
    {
        public int Writes { get; private set; }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes++;
            return Writes == failAtWrite ? ValueTask.FromException(new IOException("The disk is full.")) : base.WriteAsync(buffer, cancellationToken);
        }
    }
}
