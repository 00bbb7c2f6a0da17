using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Storage;

namespace MediVault.UnitTests.Infrastructure.Storage;

/// <summary>
/// The file-system backend's housekeeping against a real temp folder: listing the stored blobs for the orphan sweep,
/// sweeping staged leftovers of an earlier run, the health probe, and a missing blob.
/// </summary>
public sealed class FileSystemBlobBackendTests : IDisposable
{
    private readonly TempStore _temp = new();
    private readonly FileSystemBlobBackend _backend;

    public FileSystemBlobBackendTests() => _backend = new FileSystemBlobBackend(_temp.Data);

    public void Dispose() => _temp.Dispose();

    private static string Key() => Guid.NewGuid().ToString("N");

    private string Put(string key, DateTime writtenAt)
    {
        var path = _backend.PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [1]);
        File.SetLastWriteTimeUtc(path, writtenAt);
        return path;
    }

    private string Stage(string name, DateTime writtenAt)
    {
        Directory.CreateDirectory(_backend.StagingPath);
        var path = Path.Combine(_backend.StagingPath, name);
        File.WriteAllBytes(path, [1]);
        File.SetLastWriteTimeUtc(path, writtenAt);
        return path;
    }

    [Fact]
    public async Task List_NamesEveryStoredBlobWithItsTime_NotStagedFilesOrStrangers()
    {
        var at = new DateTime(2026, 11, 1, 8, 0, 0, DateTimeKind.Utc);
        var first = Key();
        var second = Key();
        Put(first, at);
        Put(second, at.AddHours(1));
        Stage(Key(), at); // a staged blob has a key's name, but is not stored yet
        File.WriteAllBytes(Path.Combine(Path.GetDirectoryName(_backend.PathOf(first))!, "notes.txt"), [1]);
        File.WriteAllBytes(Path.Combine(Path.GetDirectoryName(_backend.PathOf(first))!, first.ToUpperInvariant()), [1]);

        var listed = new List<StoredBlob>();
        await foreach (var blob in _backend.ListAsync(CancellationToken.None))
            listed.Add(blob);

        listed.Should().BeEquivalentTo([new StoredBlob(first, at), new StoredBlob(second, at.AddHours(1))]);
    }

    [Fact]
    public async Task Sweep_RemovesWhatWasStagedBeforeTheStart_AndKeepsTheRest()
    {
        var start = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
        var old = Stage(Key() + ".part", start.UtcDateTime.AddMinutes(-5));
        var older = Stage(Key() + ".part", start.UtcDateTime.AddDays(-2));
        var atTheStart = Stage(Key() + ".part", start.UtcDateTime);
        var newer = Stage(Key() + ".part", start.UtcDateTime.AddSeconds(1));

        var removed = await _backend.SweepStagedAsync(start, CancellationToken.None);

        removed.Should().Be(2);
        File.Exists(old).Should().BeFalse();
        File.Exists(older).Should().BeFalse();
        File.Exists(atTheStart).Should().BeTrue("an upload that began as the process started is not a leftover");
        File.Exists(newer).Should().BeTrue();
    }

    [Fact]
    public async Task Sweep_WithoutAStagingFolder_RemovesNothing()
    {
        Directory.Exists(_backend.StagingPath).Should().BeFalse();

        (await _backend.SweepStagedAsync(DateTimeOffset.UtcNow, CancellationToken.None)).Should().Be(0);
    }

    [Fact]
    public async Task Health_WritableFolder_IsHealthyAndLeavesNoProbe()
    {
        (await _backend.IsHealthyAsync(CancellationToken.None)).Should().BeTrue();

        Directory.EnumerateFileSystemEntries(_temp.Data.BlobsPath).Should().BeEmpty();
    }

    [Fact]
    public async Task Health_BlobFolderGone_IsUnhealthy()
    {
        Directory.Delete(_temp.Data.BlobsPath, recursive: true);

        (await _backend.IsHealthyAsync(CancellationToken.None)).Should().BeFalse();
    }

    [Fact]
    public async Task Open_AMissingBlob_IsNotFound()
    {
        var key = Key();

        var act = () => _backend.OpenAsync(key, CancellationToken.None);

        (await act.Should().ThrowAsync<BlobNotFoundException>()).Which.Message.Should().Contain(key);
    }

    [Fact]
    public async Task Delete_RemovesTheBlob()
    {
        var key = Key();
        var path = Put(key, DateTime.UtcNow);

        await _backend.DeleteAsync(key, CancellationToken.None);

        File.Exists(path).Should().BeFalse();
    }
}
