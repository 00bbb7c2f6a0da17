using System.Text;
using MediVault.Infrastructure.Ledger;

namespace MediVault.UnitTests.Infrastructure.Ledger;

public class LedgerEncodingTests
{
    // The worked example of docs/ledger.md, recomputed there with printf | sha256sum.
    private static readonly DateTime GenesisTime = new(2026, 11, 24, 6, 0, 0, DateTimeKind.Utc);
    private const string GenesisHash = "ec59c386c944967c2f990070e85b8d87015cd39d046f2f49975321d24b5acd15";
    private const string PayloadHash = "ef00affcdca5ad07841b2e6cb7dd71be842ddba9027fa3a5132d5a9fc9b54683";
    private const string FileBlockHash = "a5f120406612324eea73b72e5edc235b21acb6a4dd39cca4a70530dc0e525932";
    private static readonly Guid FileId = Guid.Parse("0199b8a4-5c1e-7d2a-9f3b-2c4d6e8fa0b1");

    /// <summary>Each of the three limits on its own (the others valid), at its boundary: the last accepted length and the first refused.</summary>
    public static TheoryData<int, int, int, bool> Lengths => new()
    {
        { 32, 64, 64, true },
        { 33, 64, 64, false },
        { 7, 63, 64, false },
        { 7, 65, 64, false },
        { 7, 64, 63, false },
        { 7, 64, 65, false },
    };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ComputeHashes_FromText_TakesAKindOfAtMost32AndHashesOfExactly64(int kindLength, int payloadLength, int previousLength, bool accepted)
    {
        var act = () => LedgerEncoding.ComputeHashes(
            new byte[32], new byte[32], 1, GenesisTime, new string('k', kindLength), FileId, new string('a', payloadLength), new string('b', previousLength));

        if (accepted)
            act.Should().NotThrow();
        else
            act.Should().Throw<ArgumentException>();
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ComputeHashes_FromStoredBytes_TakesTheSameLengths_AKindOfUpTo96Bytes(int kindLength, int payloadLength, int previousLength, bool accepted)
    {
        // Stored bytes are UTF-8: a 32-character kind may take up to 96 bytes, so the byte limit is 3 × 32.
        var kind = kindLength == 33 ? new byte[97] : new byte[kindLength * 3];
        kind.AsSpan().Fill((byte)'k');
        var act = () => LedgerEncoding.ComputeHashes(
            new byte[32], new byte[32], 1, GenesisTime, kind, FileId, Bytes('a', payloadLength), Bytes('b', previousLength));

        if (accepted)
            act.Should().NotThrow();
        else
            act.Should().Throw<ArgumentException>();
    }

    private static byte[] Bytes(char digit, int length) => Encoding.ASCII.GetBytes(new string(digit, length));

    [Fact]
    public void Encode_GenesisBlock_IsTheDocumentedSevenLines()
    {
        var bytes = LedgerEncoding.Encode(0, GenesisTime, "genesis", Guid.Empty, LedgerEncoding.ZeroHash, LedgerEncoding.ZeroHash);

        Encoding.UTF8.GetString(bytes).Should().Be(
            "medivault-ledger-v1\n0\n2026-11-24T06:00:00.000Z\ngenesis\n00000000-0000-0000-0000-000000000000\n" +
            LedgerEncoding.ZeroHash + "\n" + LedgerEncoding.ZeroHash + "\n");
    }

    [Fact]
    public void ComputeHash_GenesisOfTheWorkedExample_MatchesSha256sum()
    {
        var hash = LedgerEncoding.ComputeHash(0, GenesisTime, "genesis", Guid.Empty, LedgerEncoding.ZeroHash, LedgerEncoding.ZeroHash);

        hash.Should().Be(GenesisHash);
    }

    [Fact]
    public void ComputeHash_FileBlockOfTheWorkedExample_MatchesSha256sum()
    {
        var timestamp = new DateTime(2026, 11, 24, 10, 15, 0, 123, DateTimeKind.Utc);

        var hash = LedgerEncoding.ComputeHash(1, timestamp, "file-uploaded", FileId, PayloadHash, GenesisHash);

        hash.Should().Be(FileBlockHash);
    }

    [Theory]
    [InlineData("index")]
    [InlineData("timestamp")]
    [InlineData("kind")]
    [InlineData("resourceId")]
    [InlineData("payloadHash")]
    [InlineData("previousHash")]
    public void ComputeHash_AnyFieldChanged_ChangesTheHash(string field)
    {
        var timestamp = new DateTime(2026, 11, 24, 10, 15, 0, 123, DateTimeKind.Utc);
        var otherHash = new string('a', 64);

        var hash = field switch
        {
            "index" => LedgerEncoding.ComputeHash(2, timestamp, "file-uploaded", FileId, PayloadHash, GenesisHash),
            "timestamp" => LedgerEncoding.ComputeHash(1, timestamp.AddMilliseconds(1), "file-uploaded", FileId, PayloadHash, GenesisHash),
            "kind" => LedgerEncoding.ComputeHash(1, timestamp, "file-deleted", FileId, PayloadHash, GenesisHash),
            "resourceId" => LedgerEncoding.ComputeHash(1, timestamp, "file-uploaded", Guid.Empty, PayloadHash, GenesisHash),
            "payloadHash" => LedgerEncoding.ComputeHash(1, timestamp, "file-uploaded", FileId, otherHash, GenesisHash),
            _ => LedgerEncoding.ComputeHash(1, timestamp, "file-uploaded", FileId, PayloadHash, otherHash),
        };

        hash.Should().NotBe(FileBlockHash);
    }

    [Fact]
    public void Truncate_SubMillisecondTicks_DropsThem()
    {
        var precise = new DateTime(2026, 11, 24, 10, 15, 0, 123, DateTimeKind.Utc).AddTicks(4567);

        LedgerEncoding.Truncate(precise).Should().Be(new DateTime(2026, 11, 24, 10, 15, 0, 123, DateTimeKind.Utc));
    }
}
