using MediVault.Infrastructure.Storage;

namespace MediVault.UnitTests.Infrastructure.Storage;

public sealed class DirectorySyncTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("medivault-dirsync-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Flush_AFolderAfterARenameIntoIt_Succeeds()
    {
        var staged = Path.Combine(_folder, "blob.part");
        File.WriteAllBytes(staged, [1, 2, 3]);
        File.Move(staged, Path.Combine(_folder, "blob"));

        var flush = () => DirectorySync.Flush(_folder);

        flush.Should().NotThrow();
    }

    [Fact]
    public void Flush_AMissingFolder_ThrowsIOException()
    {
        var flush = () => DirectorySync.Flush(Path.Combine(_folder, "missing"));

        flush.Should().Throw<IOException>().WithMessage("*errno 2*"); // ENOENT
    }
}
