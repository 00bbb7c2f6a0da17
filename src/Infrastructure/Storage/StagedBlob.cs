using MediVault.Application.Common.Abstractions;

namespace MediVault.Infrastructure.Storage;

internal sealed class StagedBlob(string storageKey, byte[] wrappedKey, string stagingPath, string finalPath) : IStagedBlob
{
    private bool _published;

    public string StorageKey { get; } = storageKey;
    public byte[] WrappedKey { get; } = wrappedKey;

    public Task PublishAsync(CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(finalPath)!;
        var newFolder = !Directory.Exists(folder);
        Directory.CreateDirectory(folder);
        // Same file system, so the rename is atomic: the blob appears whole or not at all.
        File.Move(stagingPath, finalPath, overwrite: false);
        try
        {
            // The new name (and a new folder's) reaches the disk before the row that points at it is committed.
            DirectorySync.Flush(folder);
            if (newFolder)
                DirectorySync.Flush(Path.GetDirectoryName(folder)!);
        }
        catch
        {
            File.Delete(finalPath);
            throw;
        }
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
