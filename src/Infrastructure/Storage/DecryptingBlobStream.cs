using System.Buffers;
using System.Security.Cryptography;

namespace MediVault.Infrastructure.Storage;

/// <summary>
/// A read-only, seekable view of a blob's plaintext. Chunks are read by position from the backend's
/// <see cref="IBlobReader"/>, opened one at a time, and a chunk's bytes are handed out only after its tag checked; a
/// failing chunk throws <see cref="CryptographicException"/>.
/// </summary>
internal sealed class DecryptingBlobStream : Stream
{
    private readonly IBlobReader _file;
    private readonly ArrayPool<byte> _buffers;
    private readonly AesGcm _aes;
    private readonly byte[] _header;
    private readonly int _chunkSize;
    private readonly long _chunks;
    private readonly long _length;
    private byte[]? _sealed;
    private byte[]? _plain;
    private long _plainIndex = -1;
    private int _plainLength;
    private long _position;

    private DecryptingBlobStream(IBlobReader file, byte[] header, byte[] dataKey, ArrayPool<byte> buffers)
    {
        _file = file;
        _buffers = buffers;
        _header = header;
        _chunkSize = BlobFormat.ReadChunkSize(_header);
        (_chunks, _length) = BlobFormat.Measure(file.Length, _chunkSize);
        _aes = new AesGcm(dataKey, BlobFormat.TagLength);
    }

    /// <summary>Reads and checks the header; takes ownership of <paramref name="file"/> (disposed if the header is bad).</summary>
    /// <param name="file">The blob's bytes, from its backend.</param>
    /// <param name="dataKey">The blob's unwrapped data key.</param>
    /// <param name="cancellationToken">Cancels reading the header.</param>
    /// <param name="buffers">Where the chunk buffers are rented from and returned to: the shared pool unless a test watches them.</param>
    public static async Task<DecryptingBlobStream> OpenAsync(
        IBlobReader file, byte[] dataKey, CancellationToken cancellationToken, ArrayPool<byte>? buffers = null)
    {
        try
        {
            var header = new byte[BlobFormat.HeaderLength];
            if (file.Length < BlobFormat.HeaderLength
                || await file.ReadAtAsync(header, 0, cancellationToken) != BlobFormat.HeaderLength)
                throw new CryptographicException("The blob is shorter than its header.");
            return new DecryptingBlobStream(file, header, dataKey, buffers ?? ArrayPool<byte>.Shared);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        SeekOrigin.End => _length + offset,
        _ => throw new ArgumentOutOfRangeException(nameof(origin)),
    };

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position >= _length || buffer.IsEmpty)
            return 0;
        var index = _position / _chunkSize;
        if (index != _plainIndex)
            Open(index, ReadSealed(index));
        return CopyOut(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= _length || buffer.IsEmpty)
            return 0;
        var index = _position / _chunkSize;
        if (index != _plainIndex)
        {
            var sealedLength = SealedLength(index);
            var sealedChunk = SealedBuffer();
            var read = await _file.ReadAtAsync(sealedChunk.AsMemory(0, sealedLength), Offset(index), cancellationToken);
            Open(index, read == sealedLength ? sealedLength : throw new CryptographicException("The blob is shorter than it was."));
        }
        return CopyOut(buffer.Span);
    }

    private int ReadSealed(long index)
    {
        var sealedLength = SealedLength(index);
        var read = _file.ReadAt(SealedBuffer().AsSpan(0, sealedLength), Offset(index));
        return read == sealedLength ? sealedLength : throw new CryptographicException("The blob is shorter than it was.");
    }

    private void Open(long index, int sealedLength)
    {
        _plainIndex = -1;
        var plaintextLength = sealedLength - BlobFormat.TagLength;
        _plain ??= _buffers.Rent(_chunkSize);
        Span<byte> nonce = stackalloc byte[BlobFormat.NonceLength];
        BlobFormat.ChunkNonce(_header, index, index == _chunks - 1, nonce);
        var sealedChunk = _sealed.AsSpan(0, sealedLength);
        _aes.Decrypt(nonce, sealedChunk[..plaintextLength], sealedChunk[plaintextLength..], _plain.AsSpan(0, plaintextLength), _header);
        _plainIndex = index;
        _plainLength = plaintextLength;
    }

    private int CopyOut(Span<byte> buffer)
    {
        var offsetInChunk = (int)(_position - _plainIndex * _chunkSize);
        var count = Math.Min(buffer.Length, _plainLength - offsetInChunk);
        _plain.AsSpan(offsetInChunk, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    private int SealedLength(long index) =>
        index < _chunks - 1 ? _chunkSize + BlobFormat.TagLength : (int)(_length - index * _chunkSize) + BlobFormat.TagLength;

    private long Offset(long index) => BlobFormat.HeaderLength + index * (_chunkSize + (long)BlobFormat.TagLength);

    private byte[] SealedBuffer() => _sealed ??= _buffers.Rent(_chunkSize + BlobFormat.TagLength);

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _aes.Dispose();
            _file.Dispose();
            if (_plain is not null)
                _buffers.Return(_plain, clearArray: true);
            if (_sealed is not null)
                _buffers.Return(_sealed);
            _plain = _sealed = null;
        }
        base.Dispose(disposing);
    }
}
