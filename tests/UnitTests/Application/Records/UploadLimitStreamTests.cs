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

    [Theory]
    [InlineData(1, 1)]
    [InlineData(4096, 1000)]
    [InlineData(100_000, 65_536)]
    [InlineData(100_000, 100_000)]
    public async Task Read_ExactlyTheLimitInAnyPieces_PassesEveryByte(int limit, int piece)
    {
        var limited = new UploadLimitStream(new MemoryStream(new byte[limit]), maxBytes: limit);
        var buffer = new byte[piece];
        long total = 0;
        int read;

        while ((read = await limited.ReadAsync(buffer)) > 0)
            total += read;

        total.Should().Be(limit);
        limited.BytesRead.Should().Be(limit);
    }

    [Fact]
    public async Task ByteArrayReads_CountIntoTheSameLimit_AtTheirOffset()
    {
        var limited = new UploadLimitStream(new MemoryStream([1, 2, 3, 4, 5, 6]), maxBytes: 5);
        var buffer = new byte[8];

        limited.Read(buffer, 2, 3).Should().Be(3);
#pragma warning disable CA1835 // the byte-array overload is the one under test
        (await limited.ReadAsync(buffer, 5, 2)).Should().Be(2);
#pragma warning restore CA1835
        limited.Position.Should().Be(5);
        buffer.Should().Equal(0, 0, 1, 2, 3, 4, 5, 0);
        var oneMore = () => limited.Read(buffer, 0, 1);

        oneMore.Should().Throw<PayloadTooLargeException>().WithMessage("*limit of 5 bytes*");
    }

    [Fact]
    public void TheStream_ReadsForwardOnly()
    {
        var limited = new UploadLimitStream(new MemoryStream([1]), maxBytes: 1);

        (limited.CanRead, limited.CanSeek, limited.CanWrite).Should().Be((true, false, false));
        FluentActions.Invoking(() => limited.Length).Should().Throw<NotSupportedException>();
        FluentActions.Invoking(() => limited.Position = 0).Should().Throw<NotSupportedException>();
        FluentActions.Invoking(() => limited.Seek(0, SeekOrigin.Begin)).Should().Throw<NotSupportedException>();
        FluentActions.Invoking(() => limited.Write([1], 0, 1)).Should().Throw<NotSupportedException>();
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(4096, 1000)]
    [InlineData(100_000, 65_536)]
    [InlineData(100_000, 100_001)]
    public async Task Read_OneByteOverTheLimit_Throws(int limit, int piece)
    {
        var limited = new UploadLimitStream(new MemoryStream(new byte[limit + 1]), maxBytes: limit);
        var buffer = new byte[piece];

        var act = async () =>
        {
            while (await limited.ReadAsync(buffer) > 0)
            {
            }
        };

        await act.Should().ThrowAsync<PayloadTooLargeException>();
    }

    [Fact]
    public void Read_Synchronously_CountsLikeTheAsyncPath()
    {
        var limited = new UploadLimitStream(new MemoryStream(new byte[11]), maxBytes: 10);
        var buffer = new byte[10];

        limited.Read(buffer, 0, 10).Should().Be(10);
        limited.Invoking(l => l.Read(buffer, 0, 10)).Should().Throw<PayloadTooLargeException>();
        limited.BytesRead.Should().Be(11);
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
