namespace MediVault.Infrastructure.Storage;

/// <summary>
/// Where encrypted blobs live (docs/storage.md, "Blob backends"). It only ever sees ciphertext: the envelope
/// (<see cref="BlobFormat"/>, the data keys) stays in <see cref="EncryptedFileStore"/> above it. Failures of the place
/// itself surface as <see cref="MediVault.Application.Common.Abstractions.BlobStoreUnavailableException"/>, a blob that
/// is not there as <see cref="BlobNotFoundException"/>.
/// </summary>
internal interface IBlobBackend
{
    /// <summary>Begins a staged write of a new blob: invisible until <see cref="IBlobWrite.CommitAsync"/>, removed when disposed uncommitted.</summary>
    Task<IBlobWrite> BeginWriteAsync(string storageKey, CancellationToken cancellationToken);

    /// <summary>Opens a published blob for reads by position (ranged reads).</summary>
    Task<IBlobReader> OpenAsync(string storageKey, CancellationToken cancellationToken);

    /// <summary>Removes a published blob; an absent one is not an error.</summary>
    Task DeleteAsync(string storageKey, CancellationToken cancellationToken);

    /// <summary>Every published blob, in no particular order (for the start-up sweep and <c>migrate</c>).</summary>
    IAsyncEnumerable<StoredBlob> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Removes staged writes begun before <paramref name="startedBefore"/> and never committed; returns how many, or
    /// null when the store cannot list them (then a bucket lifecycle rule has to; docs/deployment.md).
    /// </summary>
    Task<int?> SweepStagedAsync(DateTimeOffset startedBefore, CancellationToken cancellationToken);

    /// <summary>
    /// How old an unreferenced blob or a staged write must be before a start-up sweep may remove it. Zero where one
    /// instance owns the backend (a local folder); longer where other instances may be writing at the same moment.
    /// </summary>
    TimeSpan SweepGrace { get; }

    /// <summary>Writes, reads back and removes a probe, or asks the store whether it can be used.</summary>
    Task<bool> IsHealthyAsync(CancellationToken cancellationToken);
}

/// <summary>A blob being written: bytes go to <see cref="Content"/>, then <see cref="FinishAsync"/>, then <see cref="CommitAsync"/>.</summary>
internal interface IBlobWrite : IAsyncDisposable
{
    /// <summary>Write-only; one writer at a time.</summary>
    Stream Content { get; }

    /// <summary>Returns once every byte written is durable in the staging area.</summary>
    Task FinishAsync(CancellationToken cancellationToken);

    /// <summary>Makes the blob visible under its storage key, whole or not at all.</summary>
    Task CommitAsync(CancellationToken cancellationToken);
}

/// <summary>A published blob opened for reads by position.</summary>
internal interface IBlobReader : IDisposable
{
    long Length { get; }

    /// <summary>Fills <paramref name="buffer"/> from <paramref name="offset"/>; fewer bytes only at the end of the blob.</summary>
    ValueTask<int> ReadAtAsync(Memory<byte> buffer, long offset, CancellationToken cancellationToken);

    /// <inheritdoc cref="ReadAtAsync"/>
    int ReadAt(Span<byte> buffer, long offset);
}

internal sealed record StoredBlob(string StorageKey, DateTimeOffset LastModified);

/// <summary>The backend has no blob under that key.</summary>
internal sealed class BlobNotFoundException(string storageKey) : Exception($"No blob {storageKey}.");

/// <summary>Storage keys: 32 lower-case hex digits (128 random bits); the only names a backend is ever given.</summary>
internal static class StorageKeys
{
    public static bool IsValid(string? name) => name is { Length: 32 } && name.All(char.IsAsciiHexDigitLower);

    public static string Require(string storageKey) =>
        IsValid(storageKey) ? storageKey : throw new ArgumentException("Not a storage key.", nameof(storageKey));

    /// <summary>A blob's place under a <c>blobs/</c> folder: &lt;first two hex digits&gt;/&lt;storage key&gt;.</summary>
    public static string RelativePath(string storageKey) => Path.Combine(Require(storageKey)[..2], storageKey);
}
