using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Configuration;
using Microsoft.Win32.SafeHandles;

namespace MediVault.Infrastructure.Storage;

/// <summary>
/// Blobs under <c>blobs/&lt;first two hex digits&gt;/&lt;storage key&gt;</c>, written first to <c>blobs/.staging/</c>,
/// flushed to disk as they arrive (<see cref="DurableFileWriter"/>), and renamed into place (<see cref="DirectorySync"/>
/// makes the new name durable). The default backend; one instance owns the folder, so the sweep needs no grace period.
/// </summary>
internal sealed class FileSystemBlobBackend(DataDirectory data) : IBlobBackend
{
    public const string StagingFolder = ".staging";
    private const string HealthPrefix = ".health-";
    /// <summary>Large uploads reach the disk as they arrive; the last flush then waits for the tail only.</summary>
    private const long FlushEveryBytes = 32L * 1024 * 1024;

    public string StagingPath => Path.Combine(data.BlobsPath, StagingFolder);

    public TimeSpan SweepGrace => TimeSpan.Zero;

    public string PathOf(string storageKey) => Path.Combine(data.BlobsPath, StorageKeys.RelativePath(storageKey));

    public Task<IBlobWrite> BeginWriteAsync(string storageKey, CancellationToken cancellationToken)
    {
        var finalPath = PathOf(storageKey);
        var stagingPath = Path.Combine(StagingPath, storageKey + ".part");
        return Translate<IBlobWrite>(() =>
        {
            Directory.CreateDirectory(StagingPath);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0 };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            // The FileStream only creates the file with its mode; writes go by position through its handle.
            var created = new FileStream(stagingPath, options);
            return new StagedFile(created, stagingPath, finalPath);
        });
    }

    public Task<IBlobReader> OpenAsync(string storageKey, CancellationToken cancellationToken)
    {
        var path = PathOf(storageKey);
        try
        {
            var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
            return Task.FromResult<IBlobReader>(new FileReader(handle));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BlobNotFoundException(storageKey);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BlobStoreUnavailableException("The blob folder cannot be read.", ex);
        }
    }

    public Task DeleteAsync(string storageKey, CancellationToken cancellationToken)
    {
        var path = PathOf(storageKey);
        return Translate(() => File.Delete(path));
    }

    public async IAsyncEnumerable<StoredBlob> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        foreach (var folder in Directory.EnumerateDirectories(data.BlobsPath))
        {
            if (Path.GetFileName(folder) == StagingFolder)
                continue;
            foreach (var blob in Directory.EnumerateFiles(folder))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (StorageKeys.IsValid(Path.GetFileName(blob)))
                    yield return new StoredBlob(Path.GetFileName(blob), File.GetLastWriteTimeUtc(blob));
            }
        }
    }

    public Task<int?> SweepStagedAsync(DateTimeOffset startedBefore, CancellationToken cancellationToken) => Translate<int?>(() =>
    {
        var removed = 0;
        if (!Directory.Exists(StagingPath))
            return 0;
        foreach (var staged in Directory.EnumerateFiles(StagingPath))
        {
            if (File.GetLastWriteTimeUtc(staged) >= startedBefore.UtcDateTime)
                continue;
            File.Delete(staged);
            removed++;
        }
        return removed;
    });

    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        var probe = Path.Combine(data.BlobsPath, HealthPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            await File.WriteAllBytesAsync(probe, [1, 2, 3], cancellationToken);
            var back = await File.ReadAllBytesAsync(probe, cancellationToken);
            return back.Length == 3;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        finally
        {
            try
            {
                File.Delete(probe);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Nothing to clean up when the write itself failed.
            }
        }
    }

    private static Task<bool> Translate(Action action) => Translate(() =>
    {
        action();
        return true;
    });

    /// <summary>Runs a file-system step at once; its failures leave this layer as <see cref="BlobStoreUnavailableException"/>.</summary>
    private static Task<T> Translate<T>(Func<T> step)
    {
        try
        {
            return Task.FromResult(step());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BlobStoreUnavailableException("The blob folder cannot be written.", ex);
        }
    }

    private sealed class StagedFile(FileStream created, string stagingPath, string finalPath) : IBlobWrite
    {
        private readonly DurableFileWriter _writer = new(created.SafeFileHandle, FlushEveryBytes);

        private bool _closed;
        private bool _committed;

        public Stream Content => _writer;

        public async Task FinishAsync(CancellationToken cancellationToken)
        {
            await _writer.FlushToDiskAsync();
            await CloseAsync();
        }

        public Task CommitAsync(CancellationToken cancellationToken) => Translate(() =>
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
            _committed = true;
        });

        private async ValueTask CloseAsync()
        {
            if (_closed)
                return;
            _closed = true;
            await _writer.DisposeAsync();
            await created.DisposeAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await CloseAsync();
            if (!_committed)
                File.Delete(stagingPath);
        }
    }

    private sealed class FileReader(SafeFileHandle handle) : IBlobReader
    {
        public long Length { get; } = RandomAccess.GetLength(handle);

        public ValueTask<int> ReadAtAsync(Memory<byte> buffer, long offset, CancellationToken cancellationToken) =>
            RandomAccess.ReadAsync(handle, buffer, offset, cancellationToken);

        public int ReadAt(Span<byte> buffer, long offset) => RandomAccess.Read(handle, buffer, offset);

        public void Dispose() => handle.Dispose();
    }
}
