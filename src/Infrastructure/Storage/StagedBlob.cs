using MediVault.Application.Common.Abstractions;

namespace MediVault.Infrastructure.Storage;

/// <summary>A sealed blob in its backend's staging area; <see cref="PublishAsync"/> commits it, disposing first removes it.</summary>
internal sealed class StagedBlob(string storageKey, byte[] wrappedKey, IBlobWrite write) : IStagedBlob
{
    public string StorageKey { get; } = storageKey;
    public byte[] WrappedKey { get; } = wrappedKey;

    public Task PublishAsync(CancellationToken cancellationToken) => write.CommitAsync(cancellationToken);

    public ValueTask DisposeAsync() => write.DisposeAsync();
}
