using MediVault.Domain.Common;
using MediVault.Domain.Records;

namespace MediVault.UnitTests.Domain;

public sealed class MedicalFileTests
{
    private const string Hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static readonly DateTime Now = new(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc);

    private static MedicalFile Create(Guid? owner = null, string hash = Hash, long size = 10) =>
        MedicalFile.Create(Guid.NewGuid(), owner ?? Guid.NewGuid(), Guid.NewGuid(), "report.pdf", "application/pdf", size,
            FileCategory.LabReport, null, null, hash, "key-1", [1, 2, 3], Now);

    [Fact]
    public void Create_WithoutOwner_Throws() =>
        FluentActions.Invoking(() => Create(owner: Guid.Empty)).Should().Throw<DomainRuleException>();

    [Theory]
    [InlineData("")]
    [InlineData("9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08")]
    [InlineData("abc")]
    public void Create_WithoutAValidHash_Throws(string hash) =>
        FluentActions.Invoking(() => Create(hash: hash)).Should().Throw<DomainRuleException>();

    [Fact]
    public void Create_Empty_Throws() =>
        FluentActions.Invoking(() => Create(size: 0)).Should().Throw<DomainRuleException>();

    [Fact]
    public void MarkDeleted_DestroysTheDataKey_AndCannotHappenTwice()
    {
        var file = Create();

        file.MarkDeleted(Guid.NewGuid(), Now);

        file.IsDeleted.Should().BeTrue();
        file.WrappedKey.Should().BeNull();
        file.Invoking(f => f.MarkDeleted(Guid.NewGuid(), Now)).Should().Throw<DomainRuleException>();
    }
}
