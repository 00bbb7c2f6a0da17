using System.Security.Cryptography;
using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Configuration;
using Microsoft.Extensions.Logging;

namespace MediVault.Infrastructure.Storage;

/// <summary>
/// Blobs under <c>blobs/&lt;first two hex digits&gt;/&lt;storage key&gt;</c>, written first to <c>blobs/.staging/</c>,
/// flushed to disk, and renamed into place. Format: <see cref="BlobFormat"/>, docs/storage.md.
/// </summary>
internal sealed partial class EncryptedFileStore(DataDirectory data, MasterKey masterKey, ILogger<EncryptedFileStore> logger) : IFileStore
{
    public const string StagingFolder = ".staging";
    /// <summary>Large uploads reach the disk as they arrive; the last flush then waits for the tail only.</summary>
    private const long FlushEveryBytes = 32L * 1024 * 1024;

    internal int ChunkSize { get; init; } = BlobFormat.DefaultChunkSize;

    public string StagingPath => Path.Combine(data.BlobsPath, StagingFolder);

    public async Task<IStagedBlob> StageAsync(Stream content, IContentObserver observer, CancellationToken cancellationToken)
    {
        var storageKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        Directory.CreateDirectory(StagingPath);
        var stagingPath = Path.Combine(StagingPath, storageKey + ".part");
        var dataKey = RandomNumberGenerator.GetBytes(BlobFormat.KeyLength);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0 };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            // The FileStream only creates the file with its mode; writes go by position through its handle.
            await using (var created = new FileStream(stagingPath, options))
            await using (var file = new DurableFileWriter(created.SafeFileHandle, FlushEveryBytes))
            {
                await BlobEncryptor.EncryptAsync(content, file, dataKey, ChunkSize, observer, cancellationToken);
                await file.FlushToDiskAsync();
            }
            return new StagedBlob(storageKey, masterKey.Wrap(dataKey, storageKey), stagingPath, PathOf(storageKey));
        }
        catch
        {
            File.Delete(stagingPath);
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    public Stream OpenRead(string storageKey, byte[] wrappedKey)
    {
        byte[] dataKey;
        try
        {
            dataKey = masterKey.Unwrap(wrappedKey, storageKey);
        }
        catch (CryptographicException ex)
        {
            LogUnreadable(logger, storageKey, "its data key does not unwrap", ex);
            throw new StoredContentCorruptException("The stored content's key cannot be unwrapped.", ex);
        }

        try
        {
            var handle = File.OpenHandle(PathOf(storageKey), FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
            return new AuthenticationFailureGuard(new DecryptingBlobStream(handle, dataKey), storageKey, this);
        }
        catch (Exception ex) when (ex is CryptographicException or FileNotFoundException or DirectoryNotFoundException)
        {
            LogUnreadable(logger, storageKey, ex is CryptographicException ? "its header is damaged" : "it is missing", ex);
            throw new StoredContentCorruptException("The stored content is missing or damaged.", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    public void Delete(string storageKey) => File.Delete(PathOf(storageKey));

    internal string PathOf(string storageKey)
    {
        if (storageKey.Length != 32 || !storageKey.All(char.IsAsciiHexDigitLower))
            throw new ArgumentException("Not a storage key.", nameof(storageKey));
        return Path.Combine(data.BlobsPath, storageKey[..2], storageKey);
    }

    internal void ReportFailedChunk(string storageKey, CryptographicException exception) =>
        LogUnreadable(logger, storageKey, "a chunk failed authentication; nothing of it was sent", exception);

    [LoggerMessage(EventId = 1401, EventName = "IntegrityFailure", Level = LogLevel.Error,
        Message = "Integrity failure: stored blob {StorageKey} cannot be read: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string storageKey, string reason, Exception exception);

    /// <summary>Turns a failed chunk into <see cref="StoredContentCorruptException"/> and logs it once.</summary>
    private sealed class AuthenticationFailureGuard(DecryptingBlobStream inner, string storageKey, EncryptedFileStore store) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            try
            {
                return inner.Read(buffer);
            }
            catch (CryptographicException ex)
            {
                throw Corrupt(ex);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await inner.ReadAsync(buffer, cancellationToken);
            }
            catch (CryptographicException ex)
            {
                throw Corrupt(ex);
            }
        }

        private StoredContentCorruptException Corrupt(CryptographicException ex)
        {
            store.ReportFailedChunk(storageKey, ex);
            return new StoredContentCorruptException("The stored content failed authentication.", ex);
        }

        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
