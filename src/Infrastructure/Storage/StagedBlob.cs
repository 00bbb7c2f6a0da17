using MediVault.Application.Common.Abstractions;

namespace MediVault.Infrastructure.Storage;

internal sealed class StagedBlob(string storageKey, byte[] wrappedKey, string stagingPath, string finalPath) : IStagedBlob
{
    private bool _published;

    public string StorageKey { get; } = storageKey;
    public byte[] WrappedKey { get; } = wrappedKey;

    public Task PublishAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(finalPath)!);
        // Same file system, so the rename is atomic: the blob appears whole or not at all.
        File.Move(stagingPath, finalPath, overwrite: false);
        _published = true;
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        if (!_published)
            File.Delete(stagingPath);
        return ValueTask.CompletedTask;
    }
}
