using System.Buffers;

namespace MediVault.UnitTests.TestSupport;

/// <summary>
/// A buffer pool for code that takes one in place of <see cref="ArrayPool{T}.Shared"/>: it rents new arrays, counts them,
/// and keeps a copy of each returned array as a pool would hold it (cleared if the caller asked), so a test can see what
/// is handed back, and what plaintext would stay behind in it.
/// </summary>
internal sealed class WatchedArrayPool : ArrayPool<byte>
{
    public List<byte[]> Returned { get; } = [];

    public int Rented { get; private set; }

    public override byte[] Rent(int minimumLength)
    {
        lock (Returned)
            Rented++;
        return new byte[minimumLength];
    }

    public override void Return(byte[] array, bool clearArray = false)
    {
        if (clearArray)
            Array.Clear(array);
        lock (Returned)
            Returned.Add(array.ToArray());
    }

    /// <summary>The returned arrays that still hold <paramref name="content"/> anywhere in them.</summary>
    public IEnumerable<byte[]> Holding(byte[] content) => Returned.Where(returned => returned.AsSpan().IndexOf(content) >= 0);
}
