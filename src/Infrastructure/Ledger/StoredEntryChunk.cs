using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace MediVault.Infrastructure.Ledger;

/// <summary>
/// A chunk of entries as SQLite stores them, copied straight from its rows into fixed slots: no object per entry, so
/// reading a million entries does not feed the garbage collector. Only the usual shape is taken (text values of the
/// lengths the writer stores, or a 16-byte id); anything else throws <see cref="UnusualRowException"/> and the
/// verifier reads the whole table through ADO.NET instead, which judges any value.
/// </summary>
internal sealed class StoredEntryChunk : ILedgerChunk
{
    private const int TimestampSlot = 40;
    private const int KindSlot = 32;
    private const int IdSlot = 40;
    private const int HashSlot = 64;
    private const int TimestampAt = 0;
    private const int KindAt = TimestampAt + TimestampSlot;
    private const int IdAt = KindAt + KindSlot;
    private const int PayloadAt = IdAt + IdSlot;
    private const int PreviousAt = PayloadAt + HashSlot;
    private const int StoredHashAt = PreviousAt + HashSlot;
    private const int RowSize = StoredHashAt + HashSlot;

    private static ReadOnlySpan<byte> HexDigits => "0123456789abcdef"u8;
    private static readonly SearchValues<byte> LowerHex = SearchValues.Create("0123456789abcdef"u8);
    private static readonly byte[] GenesisKind = System.Text.Encoding.ASCII.GetBytes(Domain.Ledger.LedgerBlockKind.Genesis);

    private readonly long[] _index = new long[HashChainLedger.Chunk];
    private readonly byte[] _bytes = new byte[HashChainLedger.Chunk * RowSize];
    private readonly byte[] _timestampLength = new byte[HashChainLedger.Chunk];
    private readonly byte[] _kindLength = new byte[HashChainLedger.Chunk];
    private readonly byte[] _idLength = new byte[HashChainLedger.Chunk];
    private readonly bool[] _idIsBlob = new bool[HashChainLedger.Chunk];
    private readonly bool[] _hashMissing = new bool[HashChainLedger.Chunk];

    public int Count { get; private set; }

    /// <summary>A row the fast path does not take as is; the verifier starts again through ADO.NET.</summary>
    internal sealed class UnusualRowException(long index) : Exception($"Ledger entry {index} is not stored in the usual shape.");

    public static sqlite3_stmt Prepare(SqliteConnection connection, string sql)
    {
        var rc = raw.sqlite3_prepare_v2(connection.Handle, sql, out var statement);
        SqliteException.ThrowExceptionForRC(rc, connection.Handle);
        return statement;
    }

    /// <summary>Reads the rows with <paramref name="from"/> ≤ index &lt; <paramref name="to"/> in index order.</summary>
    public void Fill(sqlite3_stmt statement, long from, long to)
    {
        raw.sqlite3_reset(statement);
        raw.sqlite3_bind_int64(statement, 1, from);
        raw.sqlite3_bind_int64(statement, 2, to);
        Count = 0;
        int rc;
        while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
        {
            if (Count == HashChainLedger.Chunk)
                throw new UnusualRowException(from + Count);
            Add(statement, Count++);
        }

        if (rc != raw.SQLITE_DONE)
            SqliteException.ThrowExceptionForRC(rc, raw.sqlite3_db_handle(statement));
    }

    private void Add(sqlite3_stmt statement, int row)
    {
        if (raw.sqlite3_column_type(statement, 0) != raw.SQLITE_INTEGER)
            throw new UnusualRowException(-1);
        var index = raw.sqlite3_column_int64(statement, 0);
        _index[row] = index;
        var slots = _bytes.AsSpan(row * RowSize, RowSize);
        // The timestamp and the id are read as typed values by the general walk unless they are text, so only text is
        // taken here. The other columns are read as text whatever they hold, and SQLite's own conversion to text is what
        // both paths then see: their type is not asked (each question is a P/Invoke, and a row has many).
        if (raw.sqlite3_column_type(statement, 1) != raw.SQLITE_TEXT)
            throw new UnusualRowException(index);
        _timestampLength[row] = (byte)CopyText(statement, 1, slots.Slice(TimestampAt, TimestampSlot), index);
        _kindLength[row] = (byte)CopyText(statement, 2, slots.Slice(KindAt, KindSlot), index);
        var idType = raw.sqlite3_column_type(statement, 3);
        _idIsBlob[row] = idType == raw.SQLITE_BLOB;
        _idLength[row] = (byte)(idType switch
        {
            raw.SQLITE_BLOB => CopyBlob(statement, 3, slots.Slice(IdAt, 16), index),
            raw.SQLITE_TEXT => CopyText(statement, 3, slots.Slice(IdAt, IdSlot), index),
            _ => throw new UnusualRowException(index),
        });
        CopyHash(statement, 4, slots.Slice(PayloadAt, HashSlot), index);
        CopyHash(statement, 5, slots.Slice(PreviousAt, HashSlot), index);
        _hashMissing[row] = raw.sqlite3_column_type(statement, 6) == raw.SQLITE_NULL;
        if (!_hashMissing[row])
            CopyHash(statement, 6, slots.Slice(StoredHashAt, HashSlot), index);
    }

    /// <summary>The column's value as SQLite converts it to text; a NULL reads as empty.</summary>
    private static int CopyText(sqlite3_stmt statement, int column, Span<byte> slot, long index)
    {
        var value = raw.sqlite3_column_blob(statement, column);
        if (value.Length > slot.Length || !Ascii.IsValid(value))
            throw new UnusualRowException(index);
        value.CopyTo(slot);
        return value.Length;
    }

    private static int CopyBlob(sqlite3_stmt statement, int column, Span<byte> slot, long index)
    {
        var value = raw.sqlite3_column_blob(statement, column);
        if (value.Length != slot.Length)
            throw new UnusualRowException(index);
        value.CopyTo(slot);
        return value.Length;
    }

    private static void CopyHash(sqlite3_stmt statement, int column, Span<byte> slot, long index)
    {
        if (CopyText(statement, column, slot, index) != HashSlot)
            throw new UnusualRowException(index);
    }

    private ReadOnlySpan<byte> Slot(int row, int at, int length) => _bytes.AsSpan(row * RowSize + at, length);

    public long IndexAt(int row) => _index[row];

    public bool IsGenesis(int row) => Slot(row, KindAt, _kindLength[row]).SequenceEqual(GenesisKind);

    public bool LinksTo(int row, string? hash) =>
        hash is { Length: HashSlot } && Ascii.Equals(Slot(row, PreviousAt, HashSlot), hash);

    public bool LinksToPreviousRow(int row) =>
        !_hashMissing[row - 1] && Slot(row, PreviousAt, HashSlot).SequenceEqual(Slot(row - 1, StoredHashAt, HashSlot));

    public string HashAt(int row) => _hashMissing[row] ? "" : Encoding.ASCII.GetString(Slot(row, StoredHashAt, HashSlot));

    /// <summary>As <see cref="HashChainLedger.Row.TryHash"/> judges the same values read as text.</summary>
    public bool TryHash(int row, Span<byte> leaf)
    {
        var kind = Slot(row, KindAt, _kindLength[row]);
        var payload = Slot(row, PayloadAt, HashSlot);
        var previous = Slot(row, PreviousAt, HashSlot);
        var stored = Slot(row, StoredHashAt, HashSlot);
        if (_hashMissing[row] || kind.IsEmpty || stored.ContainsAnyExcept(LowerHex) || payload.ContainsAnyExcept(LowerHex) ||
            previous.ContainsAnyExcept(LowerHex) || !TryTimestamp(row, out var timestamp) || !TryId(row, out var id))
            return false;
        Span<byte> computed = stackalloc byte[Sha256.HashSize];
        LedgerEncoding.ComputeHashes(computed, leaf, _index[row], timestamp, kind, id, payload, previous);
        Span<byte> computedHex = stackalloc byte[HashSlot];
        for (var i = 0; i < computed.Length; i++)
        {
            computedHex[2 * i] = HexDigits[computed[i] >> 4];
            computedHex[2 * i + 1] = HexDigits[computed[i] & 0xF];
        }

        return computedHex.SequenceEqual(stored);
    }

    // Parsed as Microsoft.Data.Sqlite's GetDateTime and GetGuid parse text, so a value reads as it does through EF Core.
    private bool TryTimestamp(int row, out DateTime timestamp)
    {
        var stored = Slot(row, TimestampAt, _timestampLength[row]);
        if (TryParseAsWritten(stored, out timestamp))
            return true;
        Span<char> text = stackalloc char[TimestampSlot];
        _ = Ascii.ToUtf16(stored, text, out var written); // always Done: CopyText takes ASCII only, at most a slot long
        return DateTime.TryParse(text[..written], CultureInfo.InvariantCulture, DateTimeStyles.None, out timestamp);
    }

    /// <summary>
    /// The one shape Microsoft.Data.Sqlite writes, <c>yyyy-MM-dd HH:mm:ss[.F…]</c> (up to seven fraction digits), read
    /// digit by digit; it means the same date and time to <see cref="DateTime.TryParse(ReadOnlySpan{char}, IFormatProvider, DateTimeStyles, out DateTime)"/>,
    /// which reads every other shape.
    /// </summary>
    internal static bool TryParseAsWritten(ReadOnlySpan<byte> text, out DateTime timestamp)
    {
        timestamp = default;
        if (text.Length < 19 || text.Length is 20 or > 27 || text[4] != '-' || text[7] != '-' || text[10] != ' ' || text[13] != ':' || text[16] != ':' ||
            (text.Length > 19 && text[19] != '.'))
            return false;
        if (!TryDigits(text[..4], out var year) || !TryDigits(text.Slice(5, 2), out var month) || !TryDigits(text.Slice(8, 2), out var day) ||
            !TryDigits(text.Slice(11, 2), out var hour) || !TryDigits(text.Slice(14, 2), out var minute) || !TryDigits(text.Slice(17, 2), out var second))
            return false;
        var fraction = 0;
        if (text.Length > 19)
        {
            if (!TryDigits(text[20..], out fraction))
                return false;
            for (var digits = text.Length - 20; digits < 7; digits++)
                fraction *= 10;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
            return false;
        timestamp = new DateTime(year, month, day, hour, minute, second).AddTicks(fraction);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (var digit in text)
        {
            if (digit is < (byte)'0' or > (byte)'9')
                return false;
            value = value * 10 + (digit - '0');
        }

        return true;
    }

    private bool TryId(int row, out Guid id)
    {
        var stored = Slot(row, IdAt, _idLength[row]);
        if (_idIsBlob[row])
        {
            id = new Guid(stored);
            return true;
        }

        Span<char> text = stackalloc char[IdSlot];
        _ = Ascii.ToUtf16(stored, text, out var written); // always Done, as in TryTimestamp
        return Guid.TryParse(text[..written], out id);
    }
}
