using MediVault.Application.Common.Exceptions;
using MediVault.Application.Records.UploadFile;

namespace MediVault.UnitTests.Application.Records;

public class UploadLimitStreamTests
{
    [Fact]
    public async Task Read_UpToTheLimit_PassesEverythingThrough()
    {
        var content = new byte[100_000];
        var limited = new UploadLimitStream(new MemoryStream(content), maxBytes: content.Length);

        await limited.CopyToAsync(Stream.Null);

        limited.BytesRead.Should().Be(content.Length);
    }

    [Fact]
    public async Task Read_PastTheLimit_ThrowsAtOnceWithoutReadingTheRest()
    {
        var source = new EndlessStream();
        var limited = new UploadLimitStream(source, maxBytes: 100_000);

        var act = () => limited.CopyToAsync(Stream.Null);

        await act.Should().ThrowAsync<PayloadTooLargeException>();
        source.Produced.Should().BeLessThan(100_000 + 128 * 1024, "reading stops with the read that passed the limit");
    }

    private sealed class EndlessStream : Stream
    {
        public long Produced { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Produced; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Fill((byte)'a');
            Produced += count;
            return count;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
