using System.Security.Cryptography;
using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Storage;

namespace MediVault.UnitTests.Infrastructure.Storage;

public sealed class EncryptedFileStoreTests : IDisposable
{
    private const int Chunk = BlobFormat.DefaultChunkSize;
    private const int Sealed = Chunk + BlobFormat.TagLength;
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    private static byte[] RandomContent(int length) => RandomNumberGenerator.GetBytes(length);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Chunk - 1)]
    [InlineData(Chunk)]
    [InlineData(Chunk + 1)]
    [InlineData(3 * Chunk + 17)]
    [InlineData(9 * Chunk + 12345)] // three batches of four chunks: chunk numbers go on across batches
    public async Task RoundTrip_AtChunkBoundaries_ReturnsTheExactBytes(int length)
    {
        var content = RandomContent(length);

        var (key, wrapped) = await _temp.PutAsync(content);

        (await _temp.ReadAllAsync(key, wrapped)).Should().Equal(content);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4 * Chunk - 1)]
    [InlineData(4 * Chunk)]
    [InlineData(4 * Chunk + 1)]
    [InlineData(9 * Chunk + 12345)]
    public async Task Stage_AnyLength_ShowsTheObserverEveryByteOnceInOrder(int length)
    {
        var content = RandomContent(length);
        var observer = new TempStore.RecordingObserver();

        await using var staged = await _temp.Store.StageAsync(new MemoryStream(content), observer, CancellationToken.None);

        observer.Seen.Should().Equal(content);
    }

    [Fact]
    public async Task Stage_EmptyContent_ShowsTheObserverNothing()
    {
        var observer = new TempStore.RecordingObserver();

        await using var staged = await _temp.Store.StageAsync(new MemoryStream(), observer, CancellationToken.None);

        observer.Pieces.Should().Be(0);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(Chunk - 1, 1)]
    [InlineData(Chunk, 1)]
    [InlineData(Chunk + 1, 2)]
    [InlineData(2 * Chunk, 2)]
    public async Task Stage_AnyLength_WritesHeaderAndOneTagPerChunk(int length, int chunks)
    {
        var (key, _) = await _temp.PutAsync(RandomContent(length));

        new FileInfo(_temp.Store.PathOf(key)).Length.Should().Be(BlobFormat.HeaderLength + length + chunks * BlobFormat.TagLength);
    }

    [Fact]
    public async Task Read_TruncatedAtAChunkBoundary_IsRejected()
    {
        var (key, wrapped) = await _temp.PutAsync(RandomContent(3 * Chunk));
        Rewrite(key, blob => blob[..(BlobFormat.HeaderLength + 2 * Sealed)]);

        await ReadingFails(key, wrapped);
    }

    [Fact]
    public async Task Read_TruncatedInsideAChunk_IsRejected()
    {
        var (key, wrapped) = await _temp.PutAsync(RandomContent(2 * Chunk + 100));
        Rewrite(key, blob => blob[..^50]);

        await ReadingFails(key, wrapped);
    }

    [Fact]
    public async Task Read_ExtendedByACopiedChunk_IsRejected()
    {
        var (key, wrapped) = await _temp.PutAsync(RandomContent(2 * Chunk));
        Rewrite(key, blob => [.. blob, .. blob[BlobFormat.HeaderLength..(BlobFormat.HeaderLength + Sealed)]]);

        await ReadingFails(key, wrapped);
    }

    [Fact]
    public async Task Read_ChunksSwapped_IsRejected()
    {
        var (key, wrapped) = await _temp.PutAsync(RandomContent(3 * Chunk));
        Rewrite(key, blob =>
        {
            var first = blob[BlobFormat.HeaderLength..(BlobFormat.HeaderLength + Sealed)];
            var second = blob[(BlobFormat.HeaderLength + Sealed)..(BlobFormat.HeaderLength + 2 * Sealed)];
            return [.. blob[..BlobFormat.HeaderLength], .. second, .. first, .. blob[(BlobFormat.HeaderLength + 2 * Sealed)..]];
        });

        await ReadingFails(key, wrapped);
    }

    [Theory]
    [InlineData(12)] // the nonce prefix in the header
    [InlineData(BlobFormat.HeaderLength)] // first ciphertext byte
    [InlineData(BlobFormat.HeaderLength + Chunk + 3)] // inside the first tag
    [InlineData(BlobFormat.HeaderLength + Sealed + 1000)] // middle chunk
    [InlineData(-1)] // last byte of the last tag
    public async Task Read_OneBitFlipped_IsRejected(int offset)
    {
        var (key, wrapped) = await _temp.PutAsync(RandomContent(2 * Chunk + 10));
        Rewrite(key, blob =>
        {
            blob[offset >= 0 ? offset : blob.Length + offset] ^= 0x01;
            return blob;
        });

        await ReadingFails(key, wrapped);
    }

    [Fact]
    public async Task Read_TagFailsInALaterChunk_ReturnsEarlierChunksThenThrows()
    {
        var content = RandomContent(3 * Chunk);
        var (key, wrapped) = await _temp.PutAsync(content);
        Rewrite(key, blob =>
        {
            blob[BlobFormat.HeaderLength + 2 * Sealed + 5] ^= 0x80;
            return blob;
        });
        await using var stream = _temp.Store.OpenRead(key, wrapped);
        var received = new MemoryStream();
        var buffer = new byte[Chunk];

        var act = async () =>
        {
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
                received.Write(buffer, 0, read);
        };

        await act.Should().ThrowAsync<StoredContentCorruptException>();
        received.ToArray().Should().Equal(content[..(2 * Chunk)], "no byte of the failing chunk is handed out");
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(Chunk - 5, 10)]
    [InlineData(Chunk, Chunk)]
    [InlineData(2 * Chunk + 3, 100)]
    public async Task Read_AfterSeek_ReturnsTheRequestedRange(int start, int count)
    {
        var content = RandomContent(2 * Chunk + 200);
        var (key, wrapped) = await _temp.PutAsync(content);
        await using var stream = _temp.Store.OpenRead(key, wrapped);

        stream.Seek(start, SeekOrigin.Begin);
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer);

        stream.Length.Should().Be(content.Length);
        buffer.Should().Equal(content.AsSpan(start, count).ToArray());
    }

    [Fact]
    public async Task Read_Synchronously_ReturnsTheExactBytes()
    {
        var content = RandomContent(2 * Chunk + 17);
        var (key, wrapped) = await _temp.PutAsync(content);
        using var stream = _temp.Store.OpenRead(key, wrapped);
        using var copy = new MemoryStream();
        var buffer = new byte[Chunk / 3];
        int read;

        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            copy.Write(buffer, 0, read);

        copy.ToArray().Should().Equal(content);
        stream.Read(buffer, 0, buffer.Length).Should().Be(0, "the end was reached");
        stream.Position.Should().Be(content.Length);
    }

    [Theory]
    [InlineData(SeekOrigin.Current, 5, Chunk + 5)]
    [InlineData(SeekOrigin.Current, -7, Chunk - 7)]
    [InlineData(SeekOrigin.End, -10, 2 * Chunk + 190)]
    [InlineData(SeekOrigin.Begin, 3, 3)]
    public async Task Seek_FromEachOrigin_ReadsFromThere(SeekOrigin origin, int offset, int expected)
    {
        var content = RandomContent(2 * Chunk + 200);
        var (key, wrapped) = await _temp.PutAsync(content);
        await using var stream = _temp.Store.OpenRead(key, wrapped);
        stream.Position = Chunk;

        stream.Seek(offset, origin).Should().Be(expected);
        var buffer = new byte[10];
        stream.ReadExactly(buffer);

        buffer.Should().Equal(content.AsSpan(expected, 10).ToArray());
    }

    [Fact]
    public async Task TheStream_IsReadOnlySeekable_AndRefusesANegativePosition()
    {
        var (key, wrapped) = await _temp.PutAsync(RandomContent(100));
        await using var stream = _temp.Store.OpenRead(key, wrapped);

        (stream.CanRead, stream.CanSeek, stream.CanWrite).Should().Be((true, true, false));
        FluentActions.Invoking(() => stream.Position = -1).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => stream.Seek(-101, SeekOrigin.End)).Should().Throw<ArgumentOutOfRangeException>();
        stream.Seek(-100, SeekOrigin.End).Should().Be(0);
        stream.Read(Span<byte>.Empty).Should().Be(0);
        (await stream.ReadAsync(Memory<byte>.Empty)).Should().Be(0);
        stream.Position = 100;
        (await stream.ReadAsync(new byte[5])).Should().Be(0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(BlobFormat.HeaderLength - 1)]
    public async Task Read_ShorterThanItsHeader_IsReportedAsCorrupt(int length)
    {
        var (key, wrapped) = await _temp.PutAsync(RandomContent(100));
        Rewrite(key, blob => blob[..length]);

        var act = () => _temp.Store.OpenReadAsync(key, wrapped, CancellationToken.None);

        (await act.Should().ThrowAsync<StoredContentCorruptException>()).WithInnerException<CryptographicException>()
            .WithMessage("The blob is shorter than its header.");
    }

    [Fact]
    public async Task OpenRead_WrappedKeyOfAnotherBlob_IsRejected()
    {
        var (firstKey, _) = await _temp.PutAsync(RandomContent(10));
        var (_, secondWrapped) = await _temp.PutAsync(RandomContent(10));

        var act = () => _temp.Store.OpenRead(firstKey, secondWrapped);

        act.Should().Throw<StoredContentCorruptException>();
    }

    [Fact]
    public async Task OpenRead_OtherMasterKey_IsRejected()
    {
        var (key, wrapped) = await _temp.PutAsync(RandomContent(10));
        using var other = new TempStore(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), _temp.Root + "-other");

        var act = () => other.MasterKey.Unwrap(wrapped, key);

        act.Should().Throw<CryptographicException>();
    }

    [Fact]
    public async Task OpenRead_MissingBlob_IsReportedAsCorrupt()
    {
        var (key, wrapped) = await _temp.PutAsync(RandomContent(10));
        _temp.Store.Delete(key);

        var act = () => _temp.Store.OpenRead(key, wrapped);

        act.Should().Throw<StoredContentCorruptException>();
    }

    [Fact]
    public async Task Stage_DisposedWithoutPublishing_LeavesNoFile()
    {
        var staged = await _temp.Store.StageAsync(new MemoryStream(RandomContent(100)), new TempStore.RecordingObserver(), CancellationToken.None);
        Directory.EnumerateFiles(_temp.Store.StagingPath).Should().ContainSingle();

        await staged.DisposeAsync();

        Directory.EnumerateFiles(_temp.Data.BlobsPath, "*", SearchOption.AllDirectories).Should().BeEmpty();
    }

    [Fact]
    public async Task Stage_SourceFailsHalfway_LeavesNoFile()
    {
        var act = () => _temp.Store.StageAsync(new FailingStream(3 * Chunk), new TempStore.RecordingObserver(), CancellationToken.None);

        await act.Should().ThrowAsync<IOException>();
        Directory.EnumerateFiles(_temp.Data.BlobsPath, "*", SearchOption.AllDirectories).Should().BeEmpty();
    }

    [Fact]
    public async Task Stage_Content_NeverWritesThePlaintext()
    {
        var content = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("PLAINTEXT-MARKER-", 10_000)));

        var (key, _) = await _temp.PutAsync(content);

        var blob = await File.ReadAllBytesAsync(_temp.Store.PathOf(key));
        blob.AsSpan().IndexOf("PLAINTEXT-MARKER"u8).Should().Be(-1);
    }

    [Fact]
    public void MasterKey_GeneratedIntoTheDataDirectory_IsOwnerOnly()
    {
        var path = Path.Combine(_temp.Data.KeysPath, MasterKey.FileName);

        File.Exists(path).Should().BeTrue();
        if (!OperatingSystem.IsWindows())
            File.GetUnixFileMode(path).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Fact]
    public void MasterKey_UsedFromManyThreadsAtOnce_WrapsAndUnwrapsEveryKey()
    {
        var failures = 0;

        Parallel.For(0, 2000, i =>
        {
            var dataKey = RandomNumberGenerator.GetBytes(32);
            var storageKey = i.ToString("x32");
            if (!_temp.MasterKey.Unwrap(_temp.MasterKey.Wrap(dataKey, storageKey), storageKey).AsSpan().SequenceEqual(dataKey))
                Interlocked.Increment(ref failures);
        });

        failures.Should().Be(0);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    public void MasterKey_ConfiguredValueNotThirtyTwoBytes_StopsStartUp(string configured)
    {
        var act = () => new TempStore(configured, _temp.Root + "-bad");

        act.Should().Throw<InvalidOperationException>().WithMessage("*MediVault:MasterKey*");
        Directory.Delete(_temp.Root + "-bad", recursive: true);
    }

    private void Rewrite(string storageKey, Func<byte[], byte[]> change)
    {
        var path = _temp.Store.PathOf(storageKey);
        File.WriteAllBytes(path, change(File.ReadAllBytes(path)));
    }

    private async Task ReadingFails(string storageKey, byte[] wrapped)
    {
        var act = () => _temp.ReadAllAsync(storageKey, wrapped);
        await act.Should().ThrowAsync<StoredContentCorruptException>();
    }

    private sealed class FailingStream(int failAfter) : Stream
    {
        private int _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= failAfter)
                throw new IOException("The client went away.");
            var n = Math.Min(count, failAfter - _position);
            _position += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
