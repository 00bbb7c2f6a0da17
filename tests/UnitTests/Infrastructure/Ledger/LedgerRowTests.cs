using System.Security.Cryptography;
using MediVault.Infrastructure.Ledger;
using Microsoft.Data.Sqlite;

namespace MediVault.UnitTests.Infrastructure.Ledger;

/// <summary>
/// One stored entry as the general (ADO.NET) walk reads and judges it: any value of any type, from any provider. An
/// entry is intact when every value is of its shape and the stored hash is the hash of its encoding (docs/ledger.md).
/// </summary>
public sealed class LedgerRowTests
{
    private const long Index = 7;
    private const string Kind = "file-uploaded";
    private static readonly DateTime Timestamp = new(2026, 11, 24, 10, 15, 0, 123, DateTimeKind.Utc);
    private static readonly Guid ResourceId = Guid.Parse("0199b8a4-5c1e-7d2a-9f3b-2c4d6e8fa0b1");
    private static readonly string Payload = new('b', 64);
    private static readonly string Previous = new('c', 64);
    private static readonly string Hash = LedgerEncoding.ComputeHash(Index, Timestamp, Kind, ResourceId, Payload, Previous);

    private static readonly HashChainLedger.Row Intact = new(Index, Timestamp, Kind, ResourceId, Payload, Previous, Hash, Readable: true);

    private static byte[] LeafOf(long index, DateTime timestamp, string kind, Guid resourceId, string payload, string previous) =>
        SHA256.HashData([0x00, .. LedgerEncoding.Encode(index, timestamp, kind, resourceId, payload, previous)]);

    private static (bool Intact, byte[] Leaf) Judge(HashChainLedger.Row row)
    {
        var leaf = new byte[32];
        return (row.TryHash(leaf), leaf);
    }

    [Fact]
    public void TryHash_IntactEntryWithTypedValues_IsIntact_AndWritesItsMerkleLeaf()
    {
        var (intact, leaf) = Judge(Intact);

        intact.Should().BeTrue();
        leaf.Should().Equal(LeafOf(Index, Timestamp, Kind, ResourceId, Payload, Previous));
    }

    [Fact]
    public void TryHash_IntactEntryReadAsText_IsIntact()
    {
        // SQLite hands the timestamp and the id over as text, as Microsoft.Data.Sqlite writes them.
        var row = Intact with { Timestamp = "2026-11-24 10:15:00.123", ResourceId = ResourceId.ToString().ToUpperInvariant() };

        Judge(row).Intact.Should().BeTrue();
    }

    /// <summary>The row with the hash of its own values: a defect that only the shape checks can catch.</summary>
    private static HashChainLedger.Row Rehashed(HashChainLedger.Row row) => row with
    {
        Hash = LedgerEncoding.ComputeHash(row.Index, (DateTime)row.Timestamp, row.Kind, (Guid)row.ResourceId, row.PayloadHash, row.PreviousHash),
    };

    private static readonly Dictionary<string, HashChainLedger.Row> Defective = new()
    {
        ["unreadable"] = Intact with { Readable = false },
        ["no stored hash"] = Intact with { Hash = null },
        ["a stored hash in upper case"] = Intact with { Hash = Hash.ToUpperInvariant() },
        ["a stored hash one digit short"] = Intact with { Hash = Hash[1..] },
        ["a payload hash in upper case"] = Rehashed(Intact with { PayloadHash = new string('B', 64) }),
        ["a previous hash in upper case"] = Rehashed(Intact with { PreviousHash = new string('C', 64) }),
        ["an empty kind"] = Rehashed(Intact with { Kind = "" }),
        ["a kind longer than the column"] = Intact with { Kind = new string('k', 33) },
        ["a timestamp that is not a date"] = Intact with { Timestamp = "yesterday" },
        ["an id that is not a GUID"] = Intact with { ResourceId = "not-a-guid" },
        ["another timestamp than the hashed one"] = Intact with { Timestamp = Timestamp.AddMilliseconds(1) },
        ["another id than the hashed one"] = Intact with { ResourceId = Guid.Empty },
    };

    public static TheoryData<string> Defects => [.. Defective.Keys];

    [Theory]
    [MemberData(nameof(Defects))]
    public void TryHash_AnEntryWithADefect_IsNotIntact(string defect)
    {
        Judge(Defective[defect]).Intact.Should().BeFalse(defect);
    }

    [Fact]
    public void TryHash_AKindOfThirtyTwoCharacters_IsJudgedByItsHash()
    {
        var kind = new string('k', 32);
        var row = Intact with { Kind = kind, Hash = LedgerEncoding.ComputeHash(Index, Timestamp, kind, ResourceId, Payload, Previous) };

        Judge(row).Intact.Should().BeTrue();
    }

    private static HashChainLedger.Row ReadOne(string select)
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = select;
        using var reader = command.ExecuteReader();
        reader.Read().Should().BeTrue();
        return HashChainLedger.Row.Read(reader);
    }

    [Fact]
    public void Read_TextValues_AreKeptAsText()
    {
        var row = ReadOne($"SELECT 7, '2026-11-24 10:15:00.123', 'file-uploaded', '{ResourceId}', '{Payload}', '{Previous}', '{Hash}'");

        row.Should().Be(new HashChainLedger.Row(7, "2026-11-24 10:15:00.123", Kind, ResourceId.ToString(), Payload, Previous, Hash, Readable: true));
        Judge(row).Intact.Should().BeTrue();
    }

    [Fact]
    public void Read_AnIdStoredAsSixteenBytes_IsReadAsThatGuid()
    {
        var blob = Convert.ToHexString(ResourceId.ToByteArray());

        var row = ReadOne($"SELECT 7, '2026-11-24 10:15:00.123', 'file-uploaded', X'{blob}', '{Payload}', '{Previous}', '{Hash}'");

        row.ResourceId.Should().Be(ResourceId);
        row.Readable.Should().BeTrue();
    }

    [Fact]
    public void Read_ANullHash_IsReadAsNone()
    {
        var row = ReadOne($"SELECT 7, '2026-11-24 10:15:00.123', 'file-uploaded', '{ResourceId}', '{Payload}', '{Previous}', NULL");

        row.Hash.Should().BeNull();
        row.Readable.Should().BeTrue();
    }

    [Theory]
    [InlineData("X'00'", "'0199b8a4-5c1e-7d2a-9f3b-2c4d6e8fa0b1'")]
    [InlineData("'2026-11-24 10:15:00.123'", "X'000102'")]
    public void Read_AValueNotOfItsType_LeavesTheEntryUnreadable_WithItsIndexAndHash(string timestamp, string resourceId)
    {
        var row = ReadOne($"SELECT 7, {timestamp}, 'file-uploaded', {resourceId}, '{Payload}', '{Previous}', '{Hash}'");

        row.Should().Be(new HashChainLedger.Row(7, "", "", "", "", "", Hash, Readable: false));
    }

    [Fact]
    public void RowChunk_HashAt_IsTheStoredHash_OrEmptyWhereNoneIsStored()
    {
        var chunk = new RowChunk([Intact with { Hash = null }, Intact]) { Count = 2 };

        chunk.HashAt(0).Should().BeEmpty("a row read without a hash names no hash for the next row to link to");
        chunk.HashAt(1).Should().Be(Hash);
    }
}
