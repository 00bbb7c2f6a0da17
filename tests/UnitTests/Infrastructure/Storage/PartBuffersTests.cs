using MediVault.Infrastructure.Storage;

namespace MediVault.UnitTests.Infrastructure.Storage;

/// <summary>The multipart upload's buffers: reused across writes and threads, and never more kept than one upload needs.</summary>
public sealed class PartBuffersTests
{
    private const int Size = 1024;

    [Fact]
    public void Rent_WithNothingIdle_AllocatesABufferOfThePartSize()
    {
        var buffers = new PartBuffers(Size, keep: 2);

        buffers.Rent().Should().HaveCount(Size);
        buffers.IdleCount.Should().Be(0);
    }

    [Fact]
    public void Rent_AfterAReturn_GivesThatSameBufferBack()
    {
        var buffers = new PartBuffers(Size, keep: 2);
        var first = buffers.Rent();

        buffers.Return(first);

        buffers.Rent().Should().BeSameAs(first);
    }

    [Fact]
    public async Task Return_FromAnotherThread_IsFoundByTheNextRentHere()
    {
        var buffers = new PartBuffers(Size, keep: 2);
        var sent = buffers.Rent();

        await Task.Run(() => buffers.Return(sent));

        buffers.Rent().Should().BeSameAs(sent);
    }

    [Fact]
    public void Return_KeepsExactlyKeepIdleBuffers_AndLetsTheNextOneGo()
    {
        var buffers = new PartBuffers(Size, keep: 2);
        var rented = new[] { buffers.Rent(), buffers.Rent(), buffers.Rent() };

        buffers.Return(rented[0]);
        buffers.Return(rented[1]);
        buffers.IdleCount.Should().Be(2);
        buffers.Return(rented[2]);

        buffers.IdleCount.Should().Be(2);
        var kept = new[] { buffers.Rent(), buffers.Rent() };
        kept.Should().OnlyContain(b => ReferenceEquals(b, rented[0]) || ReferenceEquals(b, rented[1]));
        kept[0].Should().NotBeSameAs(kept[1]);
        buffers.Rent().Should().Match<byte[]>(b => !rented.Any(r => ReferenceEquals(r, b)), "the third was let go, so the next rent allocates");
    }

    [Fact]
    public void Return_ABufferOfAnotherSize_IsRefused()
    {
        var buffers = new PartBuffers(Size, keep: 2);

        var act = () => buffers.Return(new byte[Size - 1]);

        act.Should().Throw<ArgumentException>().WithMessage("*1024 bytes*1023*");
        buffers.IdleCount.Should().Be(0);
    }

    [Fact]
    public void Return_Null_IsRefusedAsANullArgument()
    {
        var buffers = new PartBuffers(Size, keep: 2);

        var act = () => buffers.Return(null!);

        act.Should().Throw<ArgumentNullException>();
    }
}
