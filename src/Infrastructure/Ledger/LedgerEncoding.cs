using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MediVault.Infrastructure.Ledger;

/// <summary>
/// The canonical encoding of a block and its hash (docs/ledger.md). Seven lines, each ended by LF, in UTF-8:
/// <c>medivault-ledger-v1</c>, index, timestamp, kind, resourceId, payloadHash, previousHash.
/// </summary>
public static class LedgerEncoding
{
    public const string Version = "medivault-ledger-v1";
    public const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>The previous hash of the genesis block, and its payload hash: 64 zeros.</summary>
    public static readonly string ZeroHash = new('0', 64);

    // Version + 6 values + 7 LFs; a kind is at most 32 characters (the column's limit).
    private const int MaxEncodedLength = 19 + 20 + 24 + 32 + 36 + 64 + 64 + 7;
    private static readonly byte[] VersionLine = Encoding.ASCII.GetBytes(Version + "\n");

    /// <summary>Timestamps are hashed and stored at millisecond precision.</summary>
    public static DateTime Truncate(DateTime utc) =>
        new(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);

    /// <summary>The exact bytes that are hashed.</summary>
    public static byte[] Encode(long index, DateTime timestamp, string kind, Guid resourceId, string payloadHash, string previousHash)
    {
        Span<byte> buffer = stackalloc byte[MaxEncodedLength + 64];
        var length = Encode(buffer, index, timestamp, kind, resourceId, payloadHash, previousHash);
        return buffer[..length].ToArray();
    }

    /// <summary>Lower-case hex SHA-256 of the canonical encoding.</summary>
    public static string ComputeHash(long index, DateTime timestamp, string kind, Guid resourceId, string payloadHash, string previousHash)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        ComputeHash(hash, index, timestamp, kind, resourceId, payloadHash, previousHash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Writes the 32-byte hash into <paramref name="destination"/> without allocating.</summary>
    public static void ComputeHash(
        Span<byte> destination, long index, DateTime timestamp, string kind, Guid resourceId, string payloadHash, string previousHash)
    {
        Span<byte> buffer = stackalloc byte[MaxEncodedLength + 64];
        var length = Encode(buffer, index, timestamp, kind, resourceId, payloadHash, previousHash);
        Sha256.Hash(buffer[..length], destination);
    }

    /// <summary>
    /// The block's hash, SHA-256(encoding), and its Merkle leaf hash, SHA-256(0x00 ‖ encoding), from one encoding.
    /// </summary>
    public static void ComputeHashes(
        Span<byte> blockHash, Span<byte> leafHash, long index, DateTime timestamp, string kind, Guid resourceId, string payloadHash,
        string previousHash)
    {
        Span<byte> buffer = stackalloc byte[1 + MaxEncodedLength + 64];
        buffer[0] = 0x00;
        var length = Encode(buffer[1..], index, timestamp, kind, resourceId, payloadHash, previousHash);
        Sha256.Hash(buffer.Slice(1, length), blockHash);
        Sha256.Hash(buffer[..(1 + length)], leafHash);
    }

    /// <summary><see cref="ComputeHashes(Span{byte}, Span{byte}, long, DateTime, string, Guid, string, string)"/> from stored bytes.</summary>
    public static void ComputeHashes(
        Span<byte> blockHash, Span<byte> leafHash, long index, DateTime timestamp, ReadOnlySpan<byte> kind, Guid resourceId,
        ReadOnlySpan<byte> payloadHash, ReadOnlySpan<byte> previousHash)
    {
        Span<byte> buffer = stackalloc byte[1 + MaxEncodedLength + 64];
        buffer[0] = 0x00;
        var length = Encode(buffer[1..], index, timestamp, kind, resourceId, payloadHash, previousHash);
        Sha256.Hash(buffer.Slice(1, length), blockHash);
        Sha256.Hash(buffer[..(1 + length)], leafHash);
    }

    private static int Encode(
        Span<byte> buffer, long index, DateTime timestamp, string kind, Guid resourceId, string payloadHash, string previousHash)
    {
        if (kind.Length > 32 || payloadHash.Length != 64 || previousHash.Length != 64)
            throw new ArgumentException("A block's kind is at most 32 characters and its hashes are 64 hex characters.");

        Span<byte> kindBytes = stackalloc byte[32 * 3];
        Span<byte> payloadBytes = stackalloc byte[64];
        Span<byte> previousBytes = stackalloc byte[64];
        var kindLength = Encoding.UTF8.GetBytes(kind, kindBytes);
        Encoding.ASCII.GetBytes(payloadHash, payloadBytes);
        Encoding.ASCII.GetBytes(previousHash, previousBytes);
        return Encode(buffer, index, timestamp, kindBytes[..kindLength], resourceId, payloadBytes, previousBytes);
    }

    /// <summary>The encoding from the stored bytes: the kind in UTF-8, the two hashes as 64 ASCII hex digits each.</summary>
    private static int Encode(
        Span<byte> buffer, long index, DateTime timestamp, ReadOnlySpan<byte> kind, Guid resourceId, ReadOnlySpan<byte> payloadHash,
        ReadOnlySpan<byte> previousHash)
    {
        if (kind.Length > 32 * 3 || payloadHash.Length != 64 || previousHash.Length != 64)
            throw new ArgumentException("A block's kind is at most 32 characters and its hashes are 64 hex characters.");

        var position = 0;
        VersionLine.CopyTo(buffer);
        position += VersionLine.Length;

        Utf8Formatter.TryFormat(index, buffer[position..], out var written);
        position += written;
        buffer[position++] = (byte)'\n';

        position += FormatTimestamp(timestamp, buffer[position..]);
        buffer[position++] = (byte)'\n';

        kind.CopyTo(buffer[position..]);
        position += kind.Length;
        buffer[position++] = (byte)'\n';

        resourceId.TryFormat(buffer[position..], out written, "D");
        position += written;
        buffer[position++] = (byte)'\n';

        payloadHash.CopyTo(buffer[position..]);
        position += payloadHash.Length;
        buffer[position++] = (byte)'\n';

        previousHash.CopyTo(buffer[position..]);
        position += previousHash.Length;
        buffer[position++] = (byte)'\n';
        return position;
    }

    /// <summary>
    /// <paramref name="timestamp"/> as <see cref="TimestampFormat"/> writes it (milliseconds truncated, not rounded), digit by
    /// digit: the custom-format path costs several times more, and verification formats a million of these.
    /// </summary>
    internal static int FormatTimestamp(DateTime timestamp, Span<byte> destination)
    {
        WriteDigits(destination[..4], timestamp.Year);
        destination[4] = (byte)'-';
        WriteDigits(destination.Slice(5, 2), timestamp.Month);
        destination[7] = (byte)'-';
        WriteDigits(destination.Slice(8, 2), timestamp.Day);
        destination[10] = (byte)'T';
        WriteDigits(destination.Slice(11, 2), timestamp.Hour);
        destination[13] = (byte)':';
        WriteDigits(destination.Slice(14, 2), timestamp.Minute);
        destination[16] = (byte)':';
        WriteDigits(destination.Slice(17, 2), timestamp.Second);
        destination[19] = (byte)'.';
        WriteDigits(destination.Slice(20, 3), timestamp.Millisecond);
        destination[23] = (byte)'Z';
        return 24;
    }

    private static void WriteDigits(Span<byte> destination, int value)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + value % 10);
            value /= 10;
        }
    }
}
