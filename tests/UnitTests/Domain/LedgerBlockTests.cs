using MediVault.Domain.Common;
using MediVault.Domain.Ledger;

namespace MediVault.UnitTests.Domain;

public sealed class LedgerBlockTests
{
    private static readonly DateTime Now = new(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc);
    private static readonly string A = new('a', 64);
    private static readonly string B = new('b', 64);
    private static readonly string C = new('c', 64);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Create_IndexFromZero_KeepsEveryField(long index)
    {
        var resource = Guid.NewGuid();
        var subject = Guid.NewGuid();

        var block = LedgerBlock.Create(index, Now, LedgerBlockKind.FileUploaded, resource, subject, A, B, C);

        block.Should().BeEquivalentTo(new
        {
            Index = index,
            Timestamp = Now,
            Kind = LedgerBlockKind.FileUploaded,
            ResourceId = resource,
            SubjectId = subject,
            PayloadHash = A,
            PreviousHash = B,
            Hash = C,
        });
    }

    [Fact]
    public void Create_NegativeIndex_Throws() =>
        FluentActions.Invoking(() => LedgerBlock.Create(-1, Now, LedgerBlockKind.FileUploaded, Guid.NewGuid(), Guid.NewGuid(), A, B, C))
            .Should().Throw<DomainRuleException>().WithMessage("A block index cannot be negative.");

    [Theory]
    [InlineData("payload")]
    [InlineData("previous")]
    [InlineData("hash")]
    [InlineData("kind")]
    public void Create_MissingOrMalformedField_Throws(string field)
    {
        var act = () => LedgerBlock.Create(1, Now, field == "kind" ? " " : LedgerBlockKind.FileUploaded, Guid.NewGuid(), Guid.NewGuid(),
            field == "payload" ? "x" : A, field == "previous" ? "" : B, field == "hash" ? C.ToUpperInvariant() : C);

        act.Should().Throw<DomainRuleException>();
    }
}
