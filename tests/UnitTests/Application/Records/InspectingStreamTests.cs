using System.Security.Cryptography;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Records.UploadFile;

namespace MediVault.UnitTests.Application.Records;

public class InspectingStreamTests
{
    [Fact]
    public async Task Read_WholeContent_HashesCountsAndTypesIt()
    {
        var content = RandomNumberGenerator.GetBytes(200_000);
        "%PDF-"u8.CopyTo(content);
        using var inspected = new InspectingStream(new MemoryStream(content), maxBytes: 1_000_000);

        await inspected.CopyToAsync(Stream.Null);

        inspected.BytesRead.Should().Be(content.Length);
        inspected.Sha256Hex().Should().Be(Convert.ToHexStringLower(SHA256.HashData(content)));
        inspected.Detector.Complete()!.ContentType.Should().Be("application/pdf");
    }

    [Fact]
    public async Task Read_PastTheLimit_ThrowsAtOnceWithoutReadingTheRest()
    {
        var source = new EndlessStream();
        using var inspected = new InspectingStream(source, maxBytes: 100_000);

        var act = () => inspected.CopyToAsync(Stream.Null);

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
