using System.Security.Cryptography;
using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Configuration;
using Microsoft.Extensions.Logging;

namespace MediVault.Infrastructure.Storage;

/// <summary>
/// The encryption envelope over a blob backend (<see cref="IBlobBackend"/>): each file is sealed in the format of
/// <see cref="BlobFormat"/> under its own data key, and the backend only ever sees the sealed bytes. The backend is
/// the local folder (<see cref="FileSystemBlobBackend"/>) or an S3 bucket; docs/storage.md.
/// </summary>
internal sealed partial class EncryptedFileStore(IBlobBackend backend, MasterKey masterKey, ILogger<EncryptedFileStore> logger) : IFileStore
{
    public const string StagingFolder = FileSystemBlobBackend.StagingFolder;

    /// <summary>The store over the data directory's <c>blobs/</c> folder.</summary>
    public EncryptedFileStore(DataDirectory data, MasterKey masterKey, ILogger<EncryptedFileStore> logger)
        : this(new FileSystemBlobBackend(data), masterKey, logger)
    {
    }

    internal int ChunkSize { get; init; } = BlobFormat.DefaultChunkSize;

    internal IBlobBackend Backend => backend;

    /// <summary>The local folder's staging area (only with the file-system backend).</summary>
    public string StagingPath => FileSystem.StagingPath;

    public async Task<IStagedBlob> StageAsync(Stream content, IContentObserver observer, CancellationToken cancellationToken)
    {
        var storageKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var dataKey = RandomNumberGenerator.GetBytes(BlobFormat.KeyLength);
        var write = await backend.BeginWriteAsync(storageKey, cancellationToken);
        try
        {
            await BlobEncryptor.EncryptAsync(content, write.Content, dataKey, ChunkSize, observer, cancellationToken);
            await write.FinishAsync(cancellationToken);
            return new StagedBlob(storageKey, masterKey.Wrap(dataKey, storageKey), write);
        }
        catch
        {
            await write.DisposeAsync();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    public Stream OpenRead(string storageKey, byte[] wrappedKey) =>
        OpenReadAsync(storageKey, wrappedKey, CancellationToken.None).GetAwaiter().GetResult();

    public async Task<Stream> OpenReadAsync(string storageKey, byte[] wrappedKey, CancellationToken cancellationToken)
    {
        StorageKeys.Require(storageKey);
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
            var file = await backend.OpenAsync(storageKey, cancellationToken);
            return new AuthenticationFailureGuard(await DecryptingBlobStream.OpenAsync(file, dataKey, cancellationToken), storageKey, this);
        }
        catch (Exception ex) when (ex is CryptographicException or BlobNotFoundException)
        {
            LogUnreadable(logger, storageKey, ex is CryptographicException ? "its header is damaged" : "it is missing", ex);
            throw new StoredContentCorruptException("The stored content is missing or damaged.", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    public void Delete(string storageKey)
    {
        var deleting = backend.DeleteAsync(storageKey, CancellationToken.None);
        if (deleting.IsCompleted)
        {
            deleting.GetAwaiter().GetResult(); // a local backend: done (or failed) already
            return;
        }
        _ = deleting.ContinueWith(
            t => LogDeleteFailed(logger, storageKey, t.Exception!.GetBaseException()),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    internal string PathOf(string storageKey) => FileSystem.PathOf(storageKey);

    private FileSystemBlobBackend FileSystem =>
        backend as FileSystemBlobBackend ?? throw new InvalidOperationException("The store does not keep blobs in a local folder.");

    internal void ReportFailedChunk(string storageKey, CryptographicException exception) =>
        LogUnreadable(logger, storageKey, "a chunk failed authentication; nothing of it was sent", exception);

    [LoggerMessage(EventId = 1401, EventName = "IntegrityFailure", Level = LogLevel.Error,
        Message = "Integrity failure: stored blob {StorageKey} cannot be read: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string storageKey, string reason, Exception exception);

    [LoggerMessage(EventId = 1402, EventName = "BlobLeft", Level = LogLevel.Warning,
        Message = "Blob {StorageKey} could not be removed now; the start-up sweep removes it")]
    private static partial void LogDeleteFailed(ILogger logger, string storageKey, Exception exception);

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
