using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Storage;
using MediVault.UnitTests.TestSupport;

namespace MediVault.UnitTests.Infrastructure.Storage;

/// <summary>
/// The file-system backend's housekeeping against a real temp folder: listing the stored blobs for the orphan sweep,
/// sweeping staged leftovers of an earlier run, the health probe, and a missing blob; and a blob's own life: staged
/// owner-only under its key, published by the commit, read by position, each file closed again.
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

    [Fact]
    public async Task BeginWrite_StagesAnOwnerOnlyPartFileUnderTheKey_AndNothingUnderTheBlobsName()
    {
        var key = Key();

        await using var write = await _backend.BeginWriteAsync(key, CancellationToken.None);

        var staged = Path.Combine(_backend.StagingPath, key + ".part");
        Directory.EnumerateFiles(_backend.StagingPath).Should().Equal(staged);
        File.GetUnixFileMode(staged).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Exists(_backend.PathOf(key)).Should().BeFalse();
    }

    [Fact]
    public async Task BeginWrite_TheKeyIsBeingStagedAlready_IsUnavailable_AndLeavesThatStagedFile()
    {
        var key = Key();
        var earlier = Stage(key + ".part", DateTime.UtcNow);

        var act = () => _backend.BeginWriteAsync(key, CancellationToken.None);

        (await act.Should().ThrowAsync<BlobStoreUnavailableException>()).WithInnerException<IOException>();
        File.ReadAllBytes(earlier).Should().Equal(1);
    }

    [Fact]
    public async Task Commit_MovesTheStagedBytesUnderTheKey_AndDisposingAfterwardsKeepsThem()
    {
        var key = Key();
        var write = await _backend.BeginWriteAsync(key, CancellationToken.None);
        await write.Content.WriteAsync(new byte[] { 7, 8, 9 });
        await write.FinishAsync(CancellationToken.None);

        await write.CommitAsync(CancellationToken.None);
        await write.DisposeAsync();

        File.ReadAllBytes(_backend.PathOf(key)).Should().Equal(7, 8, 9);
        Directory.EnumerateFiles(_backend.StagingPath).Should().BeEmpty();
    }

    [Fact]
    public async Task Finish_ClosesTheStagedFile()
    {
        var key = Key();
        await using var write = await _backend.BeginWriteAsync(key, CancellationToken.None);
        await write.Content.WriteAsync(new byte[] { 1, 2 });
        var staged = Path.Combine(_backend.StagingPath, key + ".part");
        OpenDescriptors.On(staged).Should().Be(1);

        await write.FinishAsync(CancellationToken.None);

        OpenDescriptors.On(staged).Should().Be(0);
        File.ReadAllBytes(staged).Should().Equal(1, 2);
    }

    [Fact]
    public async Task Dispose_WithoutFinishOrCommit_ClosesAndRemovesTheStagedFile()
    {
        var key = Key();
        var write = await _backend.BeginWriteAsync(key, CancellationToken.None);
        await write.Content.WriteAsync(new byte[] { 1, 2 });
        var staged = Path.Combine(_backend.StagingPath, key + ".part");

        await write.DisposeAsync();

        OpenDescriptors.On(staged).Should().Be(0);
        File.Exists(staged).Should().BeFalse();
    }

    [Fact]
    public async Task Commit_TheBlobsNameIsTakenAlready_IsUnavailable_AndKeepsTheBlobThere()
    {
        var key = Key();
        var existing = Put(key, DateTime.UtcNow);
        await using var write = await _backend.BeginWriteAsync(key, CancellationToken.None);
        await write.Content.WriteAsync(new byte[] { 5, 5 });
        await write.FinishAsync(CancellationToken.None);

        var commit = () => write.CommitAsync(CancellationToken.None);

        (await commit.Should().ThrowAsync<BlobStoreUnavailableException>()).WithInnerException<IOException>();
        File.ReadAllBytes(existing).Should().Equal(1);
    }

    [Fact]
    public async Task Open_ReadsByPosition_AndDisposeClosesTheFile()
    {
        var key = Key();
        var path = _backend.PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [10, 11, 12, 13, 14]);
        var reader = await _backend.OpenAsync(key, CancellationToken.None);
        var buffer = new byte[3];

        reader.Length.Should().Be(5);
        (await reader.ReadAtAsync(buffer, 1, CancellationToken.None)).Should().Be(3);
        buffer.Should().Equal(11, 12, 13);
        reader.ReadAt(buffer, 3).Should().Be(2, "only two bytes are left from there");
        buffer[..2].Should().Equal(13, 14);
        OpenDescriptors.On(path).Should().Be(1);

        reader.Dispose();

        OpenDescriptors.On(path).Should().Be(0);
    }

    [Fact]
    public async Task Open_AMissingBlobInAFolderThatExists_IsNotFound()
    {
        var key = Key();
        Directory.CreateDirectory(Path.GetDirectoryName(_backend.PathOf(key))!);

        var act = () => _backend.OpenAsync(key, CancellationToken.None);

        await act.Should().ThrowAsync<BlobNotFoundException>();
    }

    [Fact]
    public async Task Open_ABlobThatCannotBeOpened_IsUnavailable()
    {
        var key = Key();
        var path = _backend.PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.CreateSymbolicLink(path, path); // opening it loops (ELOOP): an I/O error, not a missing blob

        var act = () => _backend.OpenAsync(key, CancellationToken.None);

        (await act.Should().ThrowAsync<BlobStoreUnavailableException>()).WithInnerException<IOException>();
    }

    [Fact]
    public async Task Open_ABlobThatIsAFolder_IsUnavailable()
    {
        var key = Key();
        Directory.CreateDirectory(_backend.PathOf(key));

        var act = () => _backend.OpenAsync(key, CancellationToken.None);

        (await act.Should().ThrowAsync<BlobStoreUnavailableException>()).WithInnerException<UnauthorizedAccessException>();
    }

    [Fact]
    public async Task Delete_ABlobThatIsAFolder_IsUnavailable()
    {
        var key = Key();
        Directory.CreateDirectory(_backend.PathOf(key));

        var act = () => _backend.DeleteAsync(key, CancellationToken.None);

        (await act.Should().ThrowAsync<BlobStoreUnavailableException>()).WithInnerException<UnauthorizedAccessException>();
    }

    [Fact]
    public async Task List_Cancelled_StopsAtTheFirstBlob()
    {
        Put(Key(), DateTime.UtcNow);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var act = async () =>
        {
            await foreach (var _ in _backend.ListAsync(cancelled.Token))
            {
            }
        };

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task Dispose_AfterCommit_LeavesALaterStagingUnderTheSameNameAlone()
    {
        var key = Key();
        var committed = await _backend.BeginWriteAsync(key, CancellationToken.None);
        await committed.FinishAsync(CancellationToken.None);
        await committed.CommitAsync(CancellationToken.None);
        await using var later = await _backend.BeginWriteAsync(key, CancellationToken.None);

        await committed.DisposeAsync();

        File.Exists(Path.Combine(_backend.StagingPath, key + ".part")).Should().BeTrue("a committed write has nothing left to remove");
    }
}
