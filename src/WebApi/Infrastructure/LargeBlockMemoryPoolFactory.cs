using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace MediVault.WebApi.Infrastructure;

/// <summary>
/// The memory Kestrel's socket transport receives into. Kestrel's own pool hands out 4 KiB blocks, so a 1 GiB upload
/// costs 262,144 receive calls and as many wake-ups of the request reader; with 64 KiB blocks it is 16,384
/// (docs/performance.md). The blocks come from <see cref="ArrayPool{T}.Shared"/>, which keeps and trims them.
/// </summary>
internal sealed class LargeBlockMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    public const int BlockSize = 64 * 1024;

    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeBlockMemoryPool();

    private sealed class LargeBlockMemoryPool : MemoryPool<byte>
    {
        public override int MaxBufferSize => BlockSize;

        /// <summary>A pipe asks for its minimum segment (4 KiB) and uses the whole block it gets.</summary>
        public override IMemoryOwner<byte> Rent(int minBufferSize = -1) =>
            minBufferSize > BlockSize
                ? throw new ArgumentOutOfRangeException(nameof(minBufferSize), minBufferSize, $"Blocks are at most {BlockSize} bytes.")
                : new Block(ArrayPool<byte>.Shared.Rent(BlockSize));

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
                ArrayPool<byte>.Shared.Return(array);
        }
    }
}
