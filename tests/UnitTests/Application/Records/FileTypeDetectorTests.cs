using System.Text;
using MediVault.Application.Records.Common;

namespace MediVault.UnitTests.Application.Records;

public class FileTypeDetectorTests
{
    private static AcceptedFileType? Detect(byte[] content, int pieceSize = int.MaxValue)
    {
        var detector = new FileTypeDetector();
        for (var offset = 0; offset < content.Length; offset += pieceSize)
            detector.Append(content.AsSpan(offset, Math.Min(pieceSize, content.Length - offset)));
        return detector.Complete();
    }

    private static byte[] Bytes(params byte[] prefix) => [.. prefix, .. new byte[300]];

    public static TheoryData<byte[], string> BinaryTypes => new()
    {
        { Bytes("%PDF-1.4"u8.ToArray()), "application/pdf" },
        { Bytes(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A), "image/png" },
        { Bytes(0xFF, 0xD8, 0xFF, 0xDB), "image/jpeg" },
        { [.. new byte[128], .. "DICM"u8.ToArray(), 2, 0, 0, 0], "application/dicom" },
    };

    [Theory]
    [MemberData(nameof(BinaryTypes))]
    public void Complete_MagicBytes_GiveTheType(byte[] content, string contentType)
    {
        Detect(content)!.ContentType.Should().Be(contentType);
    }

    [Theory]
    [MemberData(nameof(BinaryTypes))]
    public void Complete_MagicBytesArrivingOneByteAtATime_GiveTheSameType(byte[] content, string contentType)
    {
        Detect(content, pieceSize: 1)!.ContentType.Should().Be(contentType);
    }

    [Theory]
    [MemberData(nameof(BinaryTypes))]
    public void Complete_MagicBytesArrivingInPiecesLargerThanWhatTheHeadStillLacks_GiveTheSameType(byte[] content, string contentType)
    {
        Detect(content, pieceSize: 100)!.ContentType.Should().Be(contentType); // the second piece fills the 132-byte head and runs past it
    }

    [Theory]
    [InlineData("Plain ASCII notes\r\n\twith a tab and a form feed\f")]
    [InlineData("Unicode: Schmerzmittel, 痛み止め, 🩺")]
    [InlineData("x")]
    public void Complete_ValidUtf8Text_IsText(string text)
    {
        Detect(Encoding.UTF8.GetBytes(text))!.ContentType.Should().Be("text/plain");
    }

    [Fact]
    public void Complete_TextWithByteOrderMark_IsText()
    {
        Detect([0xEF, 0xBB, 0xBF, .. "hello"u8.ToArray()]).Should().Be(AcceptedFileType.Text);
    }

    [Fact]
    public void Complete_MultiByteCharacterSplitAcrossPieces_IsText()
    {
        var content = Encoding.UTF8.GetBytes(new string('a', 131) + "🩺" + new string('b', 1000));

        Detect(content, pieceSize: 133).Should().Be(AcceptedFileType.Text);
    }

    [Theory]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04 })] // zip
    [InlineData(new byte[] { 0x4D, 0x5A, 0x90, 0x00 })] // Windows executable
    [InlineData(new byte[] { 0x7F, 0x45, 0x4C, 0x46 })] // ELF
    [InlineData(new byte[] { 0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x0A, 0x00, 0x0A, 0x00, 0x80 })] // GIF89a: an image, but not one we accept
    [InlineData(new byte[] { 0x61, 0x00, 0x62 })] // NUL inside text
    [InlineData(new byte[] { 0x61, 0x1B, 0x5B, 0x33, 0x31, 0x6D })] // ANSI escape
    [InlineData(new byte[] { 0x63, 0x61, 0x66, 0xE9 })] // Latin-1 é
    [InlineData(new byte[] { 0xC0, 0xAF })] // overlong UTF-8
    [InlineData(new byte[] { 0x61, 0xE2, 0x82 })] // cut off mid-character
    public void Complete_OtherContent_IsRefused(byte[] content)
    {
        Detect(content).Should().BeNull();
    }

    [Fact]
    public void Complete_InvalidByteFarIntoALongText_IsRefused()
    {
        var content = Encoding.UTF8.GetBytes(new string('a', 1_000_000));
        content[999_000] = 0xFF;

        Detect(content, pieceSize: 65536).Should().BeNull();
    }

    [Fact]
    public void Complete_DicmAtTheWrongOffset_IsNotDicom()
    {
        byte[] content = [.. new byte[127], .. "DICM"u8.ToArray(), .. new byte[10]];

        Detect(content).Should().BeNull("the zero bytes are not text either");
    }

    [Theory]
    [InlineData("scan.pdf", true)]
    [InlineData("SCAN.PDF", true)]
    [InlineData("scan", true)]
    [InlineData("scan.png", false)]
    [InlineData("scan.pdf.exe", false)]
    [InlineData("report 2026.11", true)] // a number is not an extension
    public void AgreesWith_Extension_MatchesOnlyTheTypesOwn(string fileName, bool agrees)
    {
        AcceptedFileType.Pdf.AgreesWith(fileName).Should().Be(agrees);
    }
}
