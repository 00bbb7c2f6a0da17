namespace MediVault.Application.Common.Abstractions;

/// <summary>
/// The encrypted blob store. Each blob has its own random data key, returned only wrapped by the master key.
/// Format and guarantees: docs/storage.md.
/// </summary>
public interface IFileStore
{
    /// <summary>
    /// Reads <paramref name="content"/> to its end once, encrypting it into a staged blob that is durable in the backend.
    /// <paramref name="observer"/> sees every plaintext byte once, in order, while the store encrypts (possibly on
    /// another thread, never two calls at once). The blob is invisible until <see cref="IStagedBlob.PublishAsync"/>;
    /// disposing an unpublished blob deletes it.
    /// </summary>
    Task<IStagedBlob> StageAsync(Stream content, IContentObserver observer, CancellationToken cancellationToken);

    /// <summary>
    /// A seekable stream of the plaintext. Every chunk's tag is checked before any of its bytes are returned; a chunk
    /// that fails (or a missing blob or a key that does not unwrap) throws <see cref="StoredContentCorruptException"/>.
    /// A backend that cannot be reached throws <see cref="BlobStoreUnavailableException"/>.
    /// </summary>
    Task<Stream> OpenReadAsync(string storageKey, byte[] wrappedKey, CancellationToken cancellationToken);

    /// <summary>The blocking form of <see cref="OpenReadAsync"/>, for callers that cannot await.</summary>
    Stream OpenRead(string storageKey, byte[] wrappedKey);

    /// <summary>
    /// Removes a blob; absent blobs are ignored. A local backend removes it before returning (a failure throws
    /// <see cref="BlobStoreUnavailableException"/>); a remote one finishes in the background and logs a failure. Either
    /// way a blob left behind is unreadable once its key is gone, and the start-up sweep removes it.
    /// </summary>
    void Delete(string storageKey);
}

/// <summary>Sees content as it is stored: consecutive pieces, in order, one call at a time.</summary>
public interface IContentObserver
{
    void Observe(ReadOnlySpan<byte> piece);
}

/// <summary>An encrypted blob written to its backend's staging area, waiting to be made visible.</summary>
public interface IStagedBlob : IAsyncDisposable
{
    string StorageKey { get; }
    byte[] WrappedKey { get; }

    /// <summary>Makes the blob visible atomically (a rename, a completed multipart upload). After this, only <see cref="IFileStore.Delete"/> removes it.</summary>
    Task PublishAsync(CancellationToken cancellationToken);
}

/// <summary>The place blobs live failed (a full disk, an object store that does not answer): nothing was changed. Answered 503.</summary>
public sealed class BlobStoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Stored content failed authentication or is missing: never returned as data.</summary>
public sealed class StoredContentCorruptException(string message, Exception? inner = null) : Exception(message, inner);
