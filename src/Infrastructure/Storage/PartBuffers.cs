using System.Collections.Concurrent;

namespace MediVault.Infrastructure.Storage;

/// <summary>
/// Part-sized buffers for multipart uploads, shared by all of a backend's writes. At most <paramref name="keep"/> idle
/// ones are kept for the next upload (one upload's worth: the parts in flight and the one filling); while several
/// uploads run at once more are allocated, and those are left to the GC when returned. Unlike the shared
/// <see cref="System.Buffers.ArrayPool{T}"/>, which first keeps a returned array in the returning thread's own slot, a
/// buffer returned from any thread is found by the next rent on any other.
/// </summary>
internal sealed class PartBuffers(int size, int keep)
{
    private readonly ConcurrentStack<byte[]> _idle = new();

    public int Size => size;

    /// <summary>Idle buffers kept now.</summary>
    public int IdleCount => _idle.Count;

    public byte[] Rent() => _idle.TryPop(out var buffer) ? buffer : GC.AllocateUninitializedArray<byte>(size);

    public void Return(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (buffer.Length != size)
            throw new ArgumentException($"A part buffer is {size} bytes long; this one is {buffer.Length}.", nameof(buffer));
        if (_idle.Count < keep)
            _idle.Push(buffer);
    }
}
