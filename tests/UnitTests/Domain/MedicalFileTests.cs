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
        FluentActions.Invoking(() => Create(size: 0)).Should().Throw<DomainRuleException>().WithMessage("A medical file cannot be empty.");

    [Fact]
    public void MarkDeleted_DestroysTheDataKey_AndCannotHappenTwice()
    {
        var file = Create();

        file.MarkDeleted(Guid.NewGuid(), Now);

        file.IsDeleted.Should().BeTrue();
        file.WrappedKey.Should().BeNull();
        file.Invoking(f => f.MarkDeleted(Guid.NewGuid(), Now)).Should().Throw<DomainRuleException>().WithMessage("The file is already deleted.");
    }
    [Fact]
    public void Create_OneByte_IsAllowed() =>
        Create(size: 1).SizeBytes.Should().Be(1);

    [Theory]
    [InlineData(MedicalFile.MaxFileNameLength, true)]
    [InlineData(MedicalFile.MaxFileNameLength + 1, false)]
    public void Create_FileNameLength_UpToTheLimit(int length, bool accepted)
    {
        var act = () => MedicalFile.Create(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), new string('n', length), "application/pdf", 1,
            FileCategory.Other, null, null, Hash, "key-1", [1], Now);

        if (accepted)
            act.Should().NotThrow().Which.FileName.Should().HaveLength(length);
        else
            act.Should().Throw<DomainRuleException>();
    }

    [Theory]
    [InlineData(MedicalFile.MaxDescriptionLength, true)]
    [InlineData(MedicalFile.MaxDescriptionLength + 1, false)]
    public void Create_DescriptionLength_UpToTheLimit(int length, bool accepted)
    {
        var act = () => MedicalFile.Create(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "a.pdf", "application/pdf", 1,
            FileCategory.Other, new string('d', length), null, Hash, "key-1", [1], Now);

        if (accepted)
            act.Should().NotThrow().Which.Description.Should().HaveLength(length);
        else
            act.Should().Throw<DomainRuleException>();
    }

    [Fact]
    public void Create_WithoutAWrappedKey_Throws() =>
        FluentActions.Invoking(() => MedicalFile.Create(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "a.pdf", "application/pdf", 1,
            FileCategory.Other, null, null, Hash, "key-1", [], Now)).Should().Throw<DomainRuleException>()
            .WithMessage("A medical file needs its wrapped data key.");

    [Fact]
    public void Create_KeepsEveryField()
    {
        var owner = Guid.NewGuid();

        var file = MedicalFile.Create(Guid.NewGuid(), owner, owner, "a.pdf", "application/pdf", 42, FileCategory.Imaging, "chest",
            new DateOnly(2026, 11, 1), Hash, "key-1", [9], Now);

        file.Should().BeEquivalentTo(new
        {
            OwnerId = owner,
            UploadedById = owner,
            FileName = "a.pdf",
            ContentType = "application/pdf",
            SizeBytes = 42L,
            Category = FileCategory.Imaging,
            Description = "chest",
            RecordDate = (DateOnly?)new DateOnly(2026, 11, 1),
            Sha256 = Hash,
            StorageKey = "key-1",
            UploadedAt = Now,
            IsDeleted = false,
        });
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void AnchorTo_GenesisOrBefore_Throws(long index) =>
        Create().Invoking(f => f.AnchorTo(index, Hash)).Should().Throw<DomainRuleException>()
            .WithMessage("A file is anchored by a block after the genesis block.");

    [Fact]
    public void Create_IsNotAnchoredYet_HasNeitherALedgerIndexNorALedgerHash()
    {
        var file = Create();

        file.LedgerIndex.Should().Be(0, "the genesis entry's index, which anchors no file");
        file.LedgerHash.Should().BeEmpty();
    }

    [Fact]
    public void AnchorTo_BlockOne_RecordsIndexAndHash()
    {
        var file = Create();

        file.AnchorTo(1, Hash);

        (file.LedgerIndex, file.LedgerHash).Should().Be((1L, Hash));
    }

    [Fact]
    public void MarkDeleted_RecordsWhoAndWhen()
    {
        var file = Create();
        var by = Guid.NewGuid();

        file.MarkDeleted(by, Now.AddHours(1));

        (file.DeletedById, file.DeletedAt).Should().Be(((Guid?)by, (DateTime?)Now.AddHours(1)));
    }

    private const string Sha1 = "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3";

    [Fact]
    public void RecordSha1_TheSameHashAgain_IsKept()
    {
        var file = Create();

        file.RecordSha1(Sha1);
        file.RecordSha1(Sha1);

        file.Sha1.Should().Be(Sha1);
    }

    [Fact]
    public void RecordSha1_ADifferentHashLater_ThrowsAndKeepsTheFirst()
    {
        var file = Create();
        file.RecordSha1(Sha1);

        FluentActions.Invoking(() => file.RecordSha1(new string('0', 40))).Should().Throw<DomainRuleException>().WithMessage("*differs*");
        file.Sha1.Should().Be(Sha1);
    }

    [Fact]
    public void Create_WithoutAWrappedKeyArray_ThrowsArgumentNull() =>
        FluentActions.Invoking(() => MedicalFile.Create(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "a.pdf", "application/pdf", 1,
            FileCategory.Other, null, null, Hash, "key-1", null!, Now)).Should().Throw<ArgumentNullException>();
}
