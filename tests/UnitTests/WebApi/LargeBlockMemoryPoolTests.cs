using System.Buffers;
using System.Runtime.InteropServices;
using MediVault.WebApi.Infrastructure;

namespace MediVault.UnitTests.WebApi;

public sealed class LargeBlockMemoryPoolTests
{
    private const int Block = LargeBlockMemoryPoolFactory.BlockSize;

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4096)]
    [InlineData(Block)]
    public void Rent_UpToABlock_ReturnsAWholeBlock(int minimum)
    {
        using var pool = new LargeBlockMemoryPoolFactory().Create();

        using var block = pool.Rent(minimum);

        block.Memory.Length.Should().Be(Block);
        pool.MaxBufferSize.Should().Be(Block);
    }

    [Fact]
    public void Rent_MoreThanABlock_Throws()
    {
        using var pool = new LargeBlockMemoryPoolFactory().Create();

        var rent = () => pool.Rent(Block + 1);

        rent.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Blocks_RentedTogether_DoNotShareMemory()
    {
        using var pool = new LargeBlockMemoryPoolFactory().Create();
        using var first = pool.Rent();
        using var second = pool.Rent();

        first.Memory.Span.Fill(1);
        second.Memory.Span.Fill(2);

        first.Memory.ToArray().Should().AllBeEquivalentTo((byte)1);
    }

    [Fact]
    public void Block_AfterDispose_RefusesItsMemoryAndIgnoresASecondDispose()
    {
        using var pool = new LargeBlockMemoryPoolFactory().Create();
        var block = pool.Rent();

        block.Dispose();
        block.Dispose();

        var memory = () => block.Memory;
        memory.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void Rent_AfterAReturn_ReusesTheBlock()
    {
        using var pool = new LargeBlockMemoryPoolFactory().Create();
        var first = pool.Rent();
        var array = ArrayOf(first);
        first.Dispose();

        using var second = pool.Rent();

        ArrayOf(second).Should().BeSameAs(array);
    }

    [Fact]
    public void Block_Returned_IsNeverHandedOutByTheSharedArrayPool()
    {
        // Blocks hold request bodies in clear: only Kestrel's transport may get them again.
        using var pool = new LargeBlockMemoryPoolFactory().Create();
        var block = pool.Rent();
        var array = ArrayOf(block);
        block.Dispose();

        var shared = ArrayPool<byte>.Shared.Rent(Block);
        try
        {
            shared.Should().NotBeSameAs(array);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(shared);
        }
    }

    private static byte[] ArrayOf(IMemoryOwner<byte> block) =>
        MemoryMarshal.TryGetArray<byte>(block.Memory, out var segment) ? segment.Array! : throw new InvalidOperationException("Not an array.");
}
