using MediVault.Application.Records.Common;

namespace MediVault.UnitTests.Application.Records;

public class FileNamesTests
{
    [Theory]
    [InlineData("report.pdf", "report.pdf")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData(@"C:\Users\asha\scan.pdf", "scan.pdf")]
    [InlineData("a/b\\c.txt", "c.txt")]
    [InlineData("/scan.pdf", "scan.pdf")]
    [InlineData("line\r\nbreak.txt", "linebreak.txt")]
    [InlineData("nul\0byte.txt", "nulbyte.txt")]
    [InlineData("rtl\u202Efdp.exe", "rtlfdp.exe")]
    [InlineData("zero\u200Bwidth.pdf", "zerowidth.pdf")]
    [InlineData("  spaced  .pdf  ", "spaced  .pdf")]
    [InlineData(".hidden", "hidden")]
    [InlineData("trailing dots...", "trailing dots")]
    [InlineData("Résumé médical 🩺.pdf", "Résumé médical 🩺.pdf")]
    [InlineData("", "file")]
    [InlineData(null, "file")]
    [InlineData("../", "file")]
    [InlineData("\u0001\u0002", "file")]
    public void Sanitize_RawName_KeepsNoPathOrControlCharacters(string? raw, string expected)
    {
        FileNames.Sanitize(raw).Should().Be(expected);
    }

    [Fact]
    public void Sanitize_TooLong_IsCutTo255KeepingTheExtension()
    {
        var name = FileNames.Sanitize(new string('x', 300) + ".jpeg");

        name.Should().HaveLength(255).And.EndWith("x.jpeg");
    }

    [Fact]
    public void Sanitize_TooLongEndingInAnEmoji_NeverSplitsASurrogatePair()
    {
        var name = FileNames.Sanitize(new string('x', 249) + string.Concat(Enumerable.Repeat("🩺", 10)) + ".pdf");

        name.Length.Should().BeLessThanOrEqualTo(255);
        name.Should().EndWith(".pdf");
        char.IsHighSurrogate(name[^5]).Should().BeFalse();
    }

    [Theory]
    [InlineData("a.PDF", "pdf")]
    [InlineData("a.tar.gz", "gz")]
    [InlineData("a", null)]
    [InlineData("a.", null)]
    [InlineData(".bashrc", null)]
    [InlineData("Dr. Smith letter", null)]
    [InlineData("v1.2", null)]
    [InlineData("scan.mp4", "mp4")]
    [InlineData("a.abcdefghij", "abcdefghij")]
    [InlineData("a.abcdefghijk", null)]
    [InlineData("a.p-f", null)]
    public void ExtensionOf_Name_IsLowerCaseLettersAndDigits(string name, string? extension)
    {
        FileNames.ExtensionOf(name).Should().Be(extension);
    }

    [Fact]
    public void Sanitize_ExactlyTheLimit_IsKeptAsItIs()
    {
        var exact = new string('x', 250) + " .pdf";

        FileNames.Sanitize(exact).Should().Be(exact);
    }

    [Fact]
    public void Sanitize_TooLongWithoutAnExtension_IsCutTo255WithNothingAppended()
    {
        FileNames.Sanitize(new string('x', 300)).Should().Be(new string('x', 255));
    }

    [Fact]
    public void Sanitize_TooLongWithAnEmojiAcrossTheCut_LeavesTheWholeEmojiOut()
    {
        // The stem is cut after 251 characters: the emoji occupies characters 251 and 252.
        var name = FileNames.Sanitize(new string('x', 250) + "🩺" + "yyyy" + ".pdf");

        name.Should().Be(new string('x', 250) + ".pdf");
    }
}
