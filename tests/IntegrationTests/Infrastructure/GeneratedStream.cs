using System.Security.Cryptography;

namespace MediVault.IntegrationTests.Infrastructure;

/// <summary>
/// A forward-only stream of <paramref name="length"/> bytes made on the fly (a PDF header, then a repeated random
/// block), hashing what it hands out: gigabytes of upload without gigabytes of memory or disk.
/// </summary>
public sealed class GeneratedStream(long length) : Stream
{
    private static readonly byte[] Header = "%PDF-1.7\n"u8.ToArray();
    private readonly byte[] _block = RandomNumberGenerator.GetBytes(1024 * 1024);
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _position;
    private string? _final;

    /// <summary>Lower-case hex SHA-256 of everything read, once the stream has been read to its end.</summary>
    public string Sha256 => _final ?? throw new InvalidOperationException("Not read to the end yet.");

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, length - _position);
        for (var written = 0; written < n;)
        {
            var at = _position + written;
            var source = at < Header.Length ? Header.AsSpan((int)at) : _block.AsSpan((int)((at - Header.Length) % _block.Length));
            var take = Math.Min(source.Length, n - written);
            source[..take].CopyTo(buffer[written..]);
            written += take;
        }
        _sha256.AppendData(buffer[..n]);
        _position += n;
        if (_position == length)
            _final ??= Convert.ToHexStringLower(_sha256.GetCurrentHash());
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

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
