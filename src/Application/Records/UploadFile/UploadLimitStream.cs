using MediVault.Application.Common.Exceptions;

namespace MediVault.Application.Records.UploadFile;

/// <summary>Passes an upload through while counting it: the read that passes the limit throws (413) at once.</summary>
internal sealed class UploadLimitStream(Stream source, long maxBytes) : Stream
{
    private long _length;

    public long BytesRead => _length;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _length; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => Count(source.Read(buffer));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await source.ReadAsync(buffer, cancellationToken));

    private int Count(int read)
    {
        _length += read;
        if (_length > maxBytes)
            throw new PayloadTooLargeException($"The file is larger than the limit of {maxBytes} bytes.");
        return read;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
