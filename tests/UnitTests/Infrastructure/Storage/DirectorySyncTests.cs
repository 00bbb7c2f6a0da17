using MediVault.Infrastructure.Storage;
using MediVault.UnitTests.TestSupport;

namespace MediVault.UnitTests.Infrastructure.Storage;

/// <summary>
/// What can be observed of a folder <c>fsync</c> without pulling the power: that the call reaches the kernel and its
/// answer is checked, and that the folder's descriptor is closed again. Linux only, like the production path.
/// </summary>
public sealed class DirectorySyncTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("medivault-dirsync-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Flush_AFolderAfterARenameIntoIt_SucceedsAndLeavesNoDescriptorOpen()
    {
        var staged = Path.Combine(_folder, "blob.part");
        File.WriteAllBytes(staged, [1, 2, 3]);
        File.Move(staged, Path.Combine(_folder, "blob"));

        for (var i = 0; i < 50; i++)
            DirectorySync.Flush(_folder);

        OpenDescriptors.On(_folder).Should().Be(0, "every flush closes the folder it opened");
        File.ReadAllBytes(Path.Combine(_folder, "blob")).Should().Equal(1, 2, 3);
    }

    [Fact]
    public void Flush_AFolderWhoseFileSystemRefusesFsync_ThrowsWithTheErrno()
    {
        // procfs opens read-only but has no fsync: the kernel answers EINVAL, which only a real fsync call can meet.
        var flush = () => DirectorySync.Flush("/proc");

        flush.Should().Throw<IOException>().WithMessage("*could not be flushed*errno 22*");
        OpenDescriptors.On("/proc").Should().Be(0, "the descriptor is closed even when fsync fails");
    }

    [Fact]
    public void Flush_AMissingFolder_ThrowsIOException()
    {
        var flush = () => DirectorySync.Flush(Path.Combine(_folder, "missing"));

        flush.Should().Throw<IOException>().WithMessage("*could not be opened*errno 2*"); // ENOENT
    }
}
