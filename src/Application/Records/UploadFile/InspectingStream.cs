using System.Security.Cryptography;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Records.Common;

namespace MediVault.Application.Records.UploadFile;

/// <summary>
/// Passes an upload through while counting it against the limit (413 the moment it is passed), hashing it and
/// detecting its type, so the content is read exactly once.
/// </summary>
internal sealed class InspectingStream(Stream source, long maxBytes) : Stream
{
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _length;

    public FileTypeDetector Detector { get; } = new();
    public long BytesRead => _length;

    public string Sha256Hex() => Convert.ToHexStringLower(_sha256.GetCurrentHash());

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _length; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = source.Read(buffer);
        Inspect(buffer[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await source.ReadAsync(buffer, cancellationToken);
        Inspect(buffer.Span[..read]);
        return read;
    }

    private void Inspect(ReadOnlySpan<byte> data)
    {
        _length += data.Length;
        if (_length > maxBytes)
            throw new PayloadTooLargeException($"The file is larger than the limit of {maxBytes} bytes.");
        _sha256.AppendData(data);
        Detector.Append(data);
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _sha256.Dispose();
        base.Dispose(disposing);
    }
}
