using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace MediVault.WebApi.Infrastructure;

/// <summary>
/// The memory Kestrel's socket transport receives into. Kestrel's own pool hands out 4 KiB blocks, so a 1 GiB upload
/// costs 262,144 receive calls and as many wake-ups of the request reader; with 64 KiB blocks it is 16,384
/// (docs/performance.md). The blocks hold request bodies, medical content in clear, so they come from a pool of
/// their own, like Kestrel's, never from <see cref="ArrayPool{T}.Shared"/> where any other code could rent them.
/// </summary>
internal sealed class LargeBlockMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    public const int BlockSize = 64 * 1024;

    /// <summary>Up to 16 MiB kept for reuse (a 1 GiB upload has at most ~1 MiB of blocks in flight); more are left to the GC.</summary>
    private const int BlocksKept = 256;

    private static readonly ArrayPool<byte> Blocks = ArrayPool<byte>.Create(BlockSize, BlocksKept);

    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeBlockMemoryPool();

    private sealed class LargeBlockMemoryPool : MemoryPool<byte>
    {
        public override int MaxBufferSize => BlockSize;

        /// <summary>A pipe asks for its minimum segment (4 KiB) and uses the whole block it gets.</summary>
        public override IMemoryOwner<byte> Rent(int minBufferSize = -1) =>
            minBufferSize > BlockSize
                ? throw new ArgumentOutOfRangeException(nameof(minBufferSize), minBufferSize, $"Blocks are at most {BlockSize} bytes.")
                : new Block(Blocks.Rent(BlockSize));

        protected override void Dispose(bool disposing)
        {
        }
    }

    private sealed class Block(byte[] array) : IMemoryOwner<byte>
    {
        private byte[]? _array = array;

        public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(Block));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _array, null) is { } array)
                Blocks.Return(array);
        }
    }
}
