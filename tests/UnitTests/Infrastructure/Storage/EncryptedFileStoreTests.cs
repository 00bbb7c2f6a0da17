using System.Security.Cryptography;
using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Storage;
using MediVault.UnitTests.TestSupport;
using Microsoft.Extensions.Logging;

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

    [Fact]
    public async Task Stage_ReturnsWithTheStagedFileClosed()
    {
        await using var staged = await _temp.Store.StageAsync(new MemoryStream(RandomContent(100)), new TempStore.RecordingObserver(), CancellationToken.None);

        var file = Directory.EnumerateFiles(_temp.Store.StagingPath).Should().ContainSingle().Which;
        OpenDescriptors.On(file).Should().Be(0);
    }

    [Fact]
    public async Task OpenRead_NotAStorageKey_IsRefusedAsAnArgument()
    {
        var (_, wrapped) = await _temp.PutAsync(RandomContent(10));

        var act = () => _temp.Store.OpenReadAsync("../../keys/master", wrapped, CancellationToken.None);

        await act.Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task OpenRead_KeyDoesNotUnwrap_LogsAnIntegrityFailure()
    {
        var logger = new ListLogger<EncryptedFileStore>();
        var store = new EncryptedFileStore(_temp.Data, _temp.MasterKey, logger);
        var (firstKey, _) = await _temp.PutAsync(RandomContent(10));
        var (_, secondWrapped) = await _temp.PutAsync(RandomContent(10));

        var act = () => store.OpenReadAsync(firstKey, secondWrapped, CancellationToken.None);

        await act.Should().ThrowAsync<StoredContentCorruptException>();
        logger.Entries.Should().ContainSingle().Which.Should().Match<(LogLevel Level, string Message, Exception? Exception)>(e =>
            e.Level == LogLevel.Error && e.Message.Contains(firstKey) && e.Message.Contains("its data key does not unwrap") && e.Exception is CryptographicException);
    }

    [Fact]
    public async Task OpenRead_MissingBlob_LogsThatItIsMissing()
    {
        var logger = new ListLogger<EncryptedFileStore>();
        var store = new EncryptedFileStore(_temp.Data, _temp.MasterKey, logger);
        var (key, wrapped) = await _temp.PutAsync(RandomContent(10));
        File.Delete(_temp.Store.PathOf(key));

        var act = () => store.OpenReadAsync(key, wrapped, CancellationToken.None);

        await act.Should().ThrowAsync<StoredContentCorruptException>();
        logger.Entries.Should().ContainSingle().Which.Should().Match<(LogLevel Level, string Message, Exception? Exception)>(e =>
            e.Level == LogLevel.Error && e.Message.Contains(key) && e.Message.EndsWith("it is missing") && e.Exception is BlobNotFoundException);
    }

    [Fact]
    public async Task OpenRead_DamagedHeader_LogsThatTheHeaderIsDamaged()
    {
        var logger = new ListLogger<EncryptedFileStore>();
        var store = new EncryptedFileStore(_temp.Data, _temp.MasterKey, logger);
        var (key, wrapped) = await _temp.PutAsync(RandomContent(10));
        Rewrite(key, blob => blob[..5]);

        var act = () => store.OpenReadAsync(key, wrapped, CancellationToken.None);

        await act.Should().ThrowAsync<StoredContentCorruptException>();
        logger.Entries.Should().ContainSingle().Which.Should().Match<(LogLevel Level, string Message, Exception? Exception)>(e =>
            e.Level == LogLevel.Error && e.Message.Contains(key) && e.Message.EndsWith("its header is damaged") && e.Exception is CryptographicException);
    }

    [Fact]
    public async Task Read_Synchronously_AChunkFailingItsTag_IsCorruptAndLoggedOnce()
    {
        var logger = new ListLogger<EncryptedFileStore>();
        var store = new EncryptedFileStore(_temp.Data, _temp.MasterKey, logger);
        var (key, wrapped) = await _temp.PutAsync(RandomContent(2 * Chunk));
        Rewrite(key, blob =>
        {
            blob[BlobFormat.HeaderLength + Sealed + 5] ^= 0x80;
            return blob;
        });
        using var stream = store.OpenRead(key, wrapped);
        stream.Position = Chunk;

        var act = () => stream.Read(new byte[10], 0, 10);

        act.Should().Throw<StoredContentCorruptException>().WithInnerException<CryptographicException>();
        logger.Entries.Should().ContainSingle().Which.Should().Match<(LogLevel Level, string Message, Exception? Exception)>(e =>
            e.Level == LogLevel.Error && e.Message.Contains(key) && e.Message.Contains("a chunk failed authentication") && e.Exception is CryptographicException);
    }

    [Fact]
    public async Task Read_Asynchronously_AChunkFailingItsTag_IsLoggedOnce()
    {
        var logger = new ListLogger<EncryptedFileStore>();
        var store = new EncryptedFileStore(_temp.Data, _temp.MasterKey, logger);
        var (key, wrapped) = await _temp.PutAsync(RandomContent(100));
        Rewrite(key, blob =>
        {
            blob[BlobFormat.HeaderLength + 5] ^= 0x80;
            return blob;
        });
        await using var stream = await store.OpenReadAsync(key, wrapped, CancellationToken.None);

        var act = async () => await stream.ReadAsync(new byte[10]);

        await act.Should().ThrowAsync<StoredContentCorruptException>();
        logger.Entries.Should().ContainSingle().Which.Message.Should().Contain(key);
    }

    [Fact]
    public async Task Read_IntoAnArrayAtAnOffset_FillsThatPartOnly()
    {
        var content = RandomContent(100);
        var (key, wrapped) = await _temp.PutAsync(content);
        await using var stream = _temp.Store.OpenRead(key, wrapped);
        var buffer = new byte[30];

#pragma warning disable CA1835 // the array overload is the one under test
        (await stream.ReadAsync(buffer, 10, 10)).Should().Be(10);
#pragma warning restore CA1835
        stream.Read(buffer, 20, 10).Should().Be(10);

        buffer[..10].Should().OnlyContain(b => b == 0);
        buffer[10..].Should().Equal(content[..20]);
        (stream.Position, stream.Length).Should().Be((20L, 100L));
    }

    [Fact]
    public async Task TheStream_RefusesWrites()
    {
        var (key, wrapped) = await _temp.PutAsync(RandomContent(10));
        await using var stream = _temp.Store.OpenRead(key, wrapped);

        FluentActions.Invoking(() => stream.Write(new byte[1], 0, 1)).Should().Throw<NotSupportedException>();
        FluentActions.Invoking(() => stream.SetLength(1)).Should().Throw<NotSupportedException>();
        FluentActions.Invoking(stream.Flush).Should().NotThrow();
    }

    [Fact]
    public async Task TheStream_Disposed_ClosesTheBlobsFile()
    {
        var (key, wrapped) = await _temp.PutAsync(RandomContent(10));
        var stream = _temp.Store.OpenRead(key, wrapped);
        var path = _temp.Store.PathOf(key);
        OpenDescriptors.On(path).Should().Be(1);

        await stream.DisposeAsync();

        OpenDescriptors.On(path).Should().Be(0);
    }

    [Fact]
    public async Task Delete_TheLocalBackendFails_Throws()
    {
        var (key, _) = await _temp.PutAsync(RandomContent(10));
        File.Delete(_temp.Store.PathOf(key));
        Directory.CreateDirectory(_temp.Store.PathOf(key)); // a folder where the blob was cannot be deleted as a file

        var act = () => _temp.Store.Delete(key);

        act.Should().Throw<BlobStoreUnavailableException>();
    }

    [Fact]
    public void Delete_ABackendWhoseDeleteHasFailedAlready_Throws()
    {
        var backend = new DeletingBackend();
        backend.Deleting.SetException(new BlobStoreUnavailableException("The bucket is gone.", new IOException()));
        var store = new EncryptedFileStore(backend, _temp.MasterKey, new ListLogger<EncryptedFileStore>());

        var act = () => store.Delete("0123456789abcdef0123456789abcdef");

        act.Should().Throw<BlobStoreUnavailableException>();
    }

    [Fact]
    public void Delete_ARemoteBackendStillDeleting_ReturnsAtOnce_AndLogsALaterFailure()
    {
        var logger = new ListLogger<EncryptedFileStore>();
        var backend = new DeletingBackend();
        var store = new EncryptedFileStore(backend, _temp.MasterKey, logger);
        const string key = "0123456789abcdef0123456789abcdef";

        store.Delete(key);
        logger.Entries.Should().BeEmpty();
        backend.Deleting.SetException(new BlobStoreUnavailableException("The bucket is gone.", new IOException()));

        SpinWait.SpinUntil(() => { lock (logger.Entries) return logger.Entries.Count > 0; }, TimeSpan.FromSeconds(30)).Should().BeTrue();
        logger.Entries.Should().ContainSingle().Which.Should().Match<(LogLevel Level, string Message, Exception? Exception)>(e =>
            e.Level == LogLevel.Warning && e.Message.Contains(key) && e.Exception is BlobStoreUnavailableException);
    }

    [Fact]
    public void LocalPaths_OverABackendThatIsNoLocalFolder_AreRefused()
    {
        var store = new EncryptedFileStore(new DeletingBackend(), _temp.MasterKey, new ListLogger<EncryptedFileStore>());

        FluentActions.Invoking(() => store.StagingPath).Should().Throw<InvalidOperationException>();
        FluentActions.Invoking(() => store.PathOf("0123456789abcdef0123456789abcdef")).Should().Throw<InvalidOperationException>();
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

    /// <summary>A remote backend whose deletes finish when the test says so; nothing else is used.</summary>
    private sealed class DeletingBackend : IBlobBackend
    {
        public TaskCompletionSource Deleting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TimeSpan SweepGrace => TimeSpan.Zero;
        public Task DeleteAsync(string storageKey, CancellationToken cancellationToken) => Deleting.Task;
        public Task<IBlobWrite> BeginWriteAsync(string storageKey, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IBlobReader> OpenAsync(string storageKey, CancellationToken cancellationToken) => throw new NotSupportedException();
        public IAsyncEnumerable<StoredBlob> ListAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<int?> SweepStagedAsync(DateTimeOffset startedBefore, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<bool> IsHealthyAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
