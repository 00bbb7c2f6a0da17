using System.Globalization;
using System.Text;
using MediVault.Infrastructure.Ledger;

namespace MediVault.UnitTests.Infrastructure.Ledger;

/// <summary>The verifier's digit-by-digit timestamp writer and reader against .NET's own formatting and parsing.</summary>
public sealed class LedgerTimestampTests
{
    public static TheoryData<DateTime> Timestamps => new()
    {
        new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        new DateTime(2026, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc).AddTicks(9999),
        new DateTime(2028, 2, 29, 12, 30, 45, 7, DateTimeKind.Utc).AddTicks(1),
        new DateTime(1, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(1),
        DateTime.MaxValue,
        new DateTime(2026, 6, 15, 8, 5, 3, 120, DateTimeKind.Utc),
    };

    [Theory]
    [MemberData(nameof(Timestamps))]
    public void FormatTimestamp_WritesWhatTheDocumentedFormatWrites(DateTime timestamp)
    {
        Span<byte> written = stackalloc byte[32];

        var length = LedgerEncoding.FormatTimestamp(timestamp, written);

        Encoding.ASCII.GetString(written[..length]).Should().Be(timestamp.ToString(LedgerEncoding.TimestampFormat, CultureInfo.InvariantCulture));
    }

    [Theory]
    [MemberData(nameof(Timestamps))]
    public void TryParseAsWritten_ReadsWhatMicrosoftDataSqliteWrites_AsDateTimeParseDoes(DateTime timestamp)
    {
        // Microsoft.Data.Sqlite (and so EF Core) stores a DateTime as this text.
        var stored = timestamp.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

        StoredEntryChunk.TryParseAsWritten(Encoding.ASCII.GetBytes(stored), out var parsed).Should().BeTrue(stored);

        parsed.Should().Be(DateTime.Parse(stored, CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("2026-02-30 10:00:00")]
    [InlineData("2026-13-01 10:00:00")]
    [InlineData("2026-01-01 24:00:00")]
    [InlineData("2026-01-01T10:00:00")]
    [InlineData("2026-01-01 10:00:00.")]
    [InlineData("2026-01-01 10:00:00.12345678")]
    [InlineData("2026-01-01 10:00:0x")]
    [InlineData("26-01-01 10:00:00")]
    [InlineData("2026-01-01 10:00:00,123")]
    [InlineData("2026-01-01 10:00:00.12x")]
    public void TryParseAsWritten_LeavesEveryOtherShapeToDateTimeParse(string stored)
    {
        StoredEntryChunk.TryParseAsWritten(Encoding.ASCII.GetBytes(stored), out _).Should().BeFalse();
    }
}
