using MediVault.Application.Common.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace MediVault.Infrastructure.Storage;

/// <summary>
/// Appends to a new file by position and asks the disk to persist it every <c>flushEvery</c> bytes in the
/// background, so the final flush waits for the tail only, not for a whole large upload. A failing write or flush
/// (a full disk) leaves as <see cref="BlobStoreUnavailableException"/> with the <see cref="IOException"/> inside.
/// </summary>
internal sealed class DurableFileWriter(SafeFileHandle handle, long flushEvery) : Stream
{
    private long _position;
    private long _sinceFlush;
    private Task _flushing = Task.CompletedTask;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _position;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            RandomAccess.Write(handle, buffer, _position);
        }
        catch (IOException ex)
        {
            throw Unavailable(ex);
        }
        Advance(buffer.Length);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            await RandomAccess.WriteAsync(handle, buffer, _position, cancellationToken);
        }
        catch (IOException ex)
        {
            throw Unavailable(ex);
        }
        Advance(buffer.Length);
    }

    private void Advance(int count)
    {
        _position += count;
        _sinceFlush += count;
        if (_sinceFlush >= flushEvery && _flushing.IsCompleted)
        {
            _sinceFlush = 0;
            _flushing = Task.Run(() => RandomAccess.FlushToDisk(handle));
        }
    }

    /// <summary>Returns once every byte written is on disk.</summary>
    public async Task FlushToDiskAsync()
    {
        try
        {
            await _flushing;
            RandomAccess.FlushToDisk(handle);
        }
        catch (IOException ex)
        {
            throw Unavailable(ex);
        }
    }

    private static BlobStoreUnavailableException Unavailable(IOException ex) => new("The blob could not be written to disk.", ex);

    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _flushing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing).GetAwaiter().GetResult();
        base.Dispose(disposing);
    }
}
