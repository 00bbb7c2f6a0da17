using System.Security.Cryptography;
using System.Text;

namespace MediVault.IntegrationTests.Infrastructure;

/// <summary>Small files of each accepted type: the right magic bytes, then random filler.</summary>
public static class SampleFiles
{
    public static byte[] Pdf(int length = 4096) => WithPrefix("%PDF-1.7\n"u8, length);
    public static byte[] Png(int length = 4096) => WithPrefix([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], length);
    public static byte[] Jpeg(int length = 4096) => WithPrefix([0xFF, 0xD8, 0xFF, 0xE0], length);

    /// <summary>A DICOM Part 10 file: a 128-byte preamble, then "DICM".</summary>
    public static byte[] Dicom(int length = 4096)
    {
        var bytes = RandomNumberGenerator.GetBytes(length);
        bytes.AsSpan(0, 128).Clear();
        "DICM"u8.CopyTo(bytes.AsSpan(128));
        return bytes;
    }

    public static byte[] Text(string text = "Haemoglobin 13.5 g/dL\nWhite cells 6.1 × 10⁹/L\n") => Encoding.UTF8.GetBytes(text);

    private static byte[] WithPrefix(ReadOnlySpan<byte> prefix, int length)
    {
        var bytes = RandomNumberGenerator.GetBytes(Math.Max(length, prefix.Length));
        prefix.CopyTo(bytes);
        return bytes;
    }
}
