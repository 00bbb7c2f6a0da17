using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Storage;
using Microsoft.Win32.SafeHandles;

namespace MediVault.UnitTests.Infrastructure.Storage;

/// <summary>
/// The staged file's writer: bytes appended in order through every write overload, a write-only stream's shape, and
/// a full disk (<c>/dev/full</c> answers every write with ENOSPC) surfacing as <see cref="BlobStoreUnavailableException"/>.
/// That its flushes reach the disk cannot be seen without pulling the power.
/// </summary>
public sealed class DurableFileWriterTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("medivault-writer-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private SafeFileHandle NewFile(out string path)
    {
        path = Path.Combine(_folder, Guid.NewGuid().ToString("N"));
        return File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write);
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(1024L * 1024)]
    public async Task Write_ThroughEveryOverload_AppendsInOrder(long flushEvery)
    {
        using var handle = NewFile(out var path);
        await using (var writer = new DurableFileWriter(handle, flushEvery))
        {
            writer.Write([1, 2, 0, 9], 0, 2);
            writer.Write(new byte[] { 3 }.AsSpan());
#pragma warning disable CA1835 // the array overload is one of those under test
            await writer.WriteAsync(new byte[] { 0, 4, 5 }, 1, 2);
#pragma warning restore CA1835
            await writer.WriteAsync(new byte[] { 6 }.AsMemory());
            await writer.FlushToDiskAsync();

            (writer.Length, writer.Position).Should().Be((6L, 6L));
        }

        handle.Dispose();
        File.ReadAllBytes(path).Should().Equal(1, 2, 3, 4, 5, 6);
    }

    [Fact]
    public void TheWriter_IsWriteOnly_AndCannotSeek()
    {
        using var handle = NewFile(out _);
        using var writer = new DurableFileWriter(handle, 1024);

        (writer.CanRead, writer.CanSeek, writer.CanWrite).Should().Be((false, false, true));
        FluentActions.Invoking(() => writer.Position = 0).Should().Throw<NotSupportedException>();
        FluentActions.Invoking(() => writer.Seek(0, SeekOrigin.Begin)).Should().Throw<NotSupportedException>();
        FluentActions.Invoking(() => writer.SetLength(0)).Should().Throw<NotSupportedException>();
        FluentActions.Invoking(() => writer.Read(new byte[1], 0, 1)).Should().Throw<NotSupportedException>();
        FluentActions.Invoking(writer.Flush).Should().NotThrow();
    }

    [Fact]
    public void Write_ToAFullDisk_IsUnavailable_WithTheIOExceptionInside()
    {
        using var handle = File.OpenHandle("/dev/full", FileMode.Open, FileAccess.Write);
        using var writer = new DurableFileWriter(handle, 1024);

        var write = () => writer.Write([1, 2, 3], 0, 3);

        write.Should().Throw<BlobStoreUnavailableException>().WithInnerException<IOException>();
        writer.Length.Should().Be(0, "nothing was written");
    }

    [Fact]
    public async Task WriteAsync_ToAFullDisk_IsUnavailable_WithTheIOExceptionInside()
    {
        using var handle = File.OpenHandle("/dev/full", FileMode.Open, FileAccess.Write, options: FileOptions.Asynchronous);
        await using var writer = new DurableFileWriter(handle, 1024);

        var write = async () => await writer.WriteAsync(new byte[] { 1, 2, 3 });

        (await write.Should().ThrowAsync<BlobStoreUnavailableException>()).WithInnerException<IOException>();
        writer.Length.Should().Be(0, "nothing was written");
    }
}
