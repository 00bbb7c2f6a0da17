using System.Buffers.Binary;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Records.Common;
using MediVault.TestSupport;

namespace MediVault.UnitTests.Application.Records;

/// <summary>
/// The DICOM header reader against files DCMTK writes (explicit and implicit VR, sequences of undefined length,
/// encapsulated pixel data), and against damaged ones: every failure is a clear <see cref="UnprocessableContentException"/>.
/// </summary>
public class DicomHeaderTests
{
    private static DicomSummary Read(byte[] file) => DicomHeader.Read(file, isWholeFile: true);

    private static string FailureOf(byte[] file, bool isWholeFile = true)
    {
        var read = () => DicomHeader.Read(file, isWholeFile);
        return read.Should().Throw<UnprocessableContentException>().Which.Message;
    }

    [Fact]
    public void Read_ExplicitVrLittleEndianStudy_GivesTheStudyDetails()
    {
        var summary = Read(Dcmtk.Write(Dcmtk.ChestCt, "+te"));

        summary.Should().BeEquivalentTo(new DicomSummary(
            TransferSyntaxUid: "1.2.840.10008.1.2.1",
            TransferSyntax: "Explicit VR Little Endian",
            SopClassUid: "1.2.840.10008.5.1.4.1.1.2",
            SopClass: "CT Image",
            Modality: "CT",
            StudyDate: new DateOnly(2025, 3, 14),
            StudyDescription: "Thorax CT — low dose",
            SeriesDescription: "Axial 1.25 mm",
            BodyPartExamined: "CHEST",
            Rows: 4,
            Columns: 6,
            NumberOfFrames: 1));
    }

    [Fact]
    public void Read_ImplicitVrLittleEndianStudy_GivesTheSameDetails()
    {
        var summary = Read(Dcmtk.Write(Dcmtk.ChestCt, "+ti"));

        summary.TransferSyntaxUid.Should().Be("1.2.840.10008.1.2");
        summary.TransferSyntax.Should().Be("Implicit VR Little Endian");
        summary.Should().BeEquivalentTo(Read(Dcmtk.Write(Dcmtk.ChestCt, "+te")), options => options
            .Excluding(s => s.TransferSyntaxUid).Excluding(s => s.TransferSyntax));
    }

    [Fact]
    public void Read_Study_NeverCarriesThePatientsNameOrId()
    {
        var summary = Read(Dcmtk.Write(Dcmtk.ChestCt, "+te"));

        summary.ToString().Should().NotContain("Verma").And.NotContain("Sakshi").And.NotContain("MRN-0042");
    }

    /// <summary>A secondary capture whose sequences nest two deep, each of undefined length, with a body part and the image size after them.</summary>
    private const string NestedSequences = """
        (0008,0016) UI [1.2.840.10008.5.1.4.1.1.7]
        (0008,0018) UI [1.2.3.4]
        (0008,0060) CS [OT]
        (0008,1110) SQ (Sequence with undefined length)
          (fffe,e000) na (Item with undefined length)
            (0008,1150) UI [1.2.840.10008.3.1.2.3.1]
            (0008,1155) UI [1.2.3.4.5]
            (0040,a730) SQ (Sequence with undefined length)
              (fffe,e000) na (Item with undefined length)
                (0040,a010) CS [CONTAINS]
              (fffe,e00d) na (ItemDelimitationItem)
            (fffe,e0dd) na (SequenceDelimitationItem)
          (fffe,e00d) na (ItemDelimitationItem)
        (fffe,e0dd) na (SequenceDelimitationItem)
        (0018,0015) CS [KNEE]
        (0028,0010) US 2
        (0028,0011) US 3
        """;

    [Theory]
    [InlineData("+te")]
    [InlineData("+ti")]
    public void Read_SequencesOfUndefinedLength_AreSkippedToTheElementsAfterThem(string transferSyntax)
    {
        var summary = Read(Dcmtk.Write(NestedSequences, transferSyntax, "-e"));

        summary.Modality.Should().Be("OT");
        summary.SopClass.Should().Be("Secondary Capture Image");
        summary.BodyPartExamined.Should().Be("KNEE");
        (summary.Rows, summary.Columns).Should().Be((2, 3));
    }

    [Fact]
    public void Read_CompressedTransferSyntax_ReadsTheExplicitVrHeader()
    {
        // A JPEG 2000 file: the data set is explicit VR little endian; only the pixel data is in fragments.
        var file = Dcmtk.Write(Dcmtk.ChestCt, "+te");
        var patched = ReplaceTransferSyntax(file, "1.2.840.10008.1.2.4.91"u8.ToArray());

        var summary = Read(patched);

        summary.TransferSyntax.Should().Be("JPEG 2000");
        summary.Modality.Should().Be("CT");
        (summary.Rows, summary.Columns).Should().Be((4, 6));
    }

    [Fact]
    public void Read_TheFirstBytesOfALargeFile_GivesWhatTheyHold()
    {
        var file = Dcmtk.Write(Dcmtk.ChestCt, "+te");
        var rowsAt = IndexOf(file, [0x28, 0x00, 0x10, 0x00]);

        var summary = DicomHeader.Read(file.AsSpan(0, rowsAt + 9), isWholeFile: false);

        summary.Modality.Should().Be("CT");
        summary.NumberOfFrames.Should().Be(1);
        summary.Rows.Should().BeNull("the element was cut off by the read limit");
    }

    [Fact]
    public void Read_NoDicmMarker_SaysItIsNotDicom()
    {
        var file = Dcmtk.Write(Dcmtk.ChestCt, "+te");
        file[128] = (byte)'X';

        FailureOf(file).Should().Be("This is not a DICOM Part 10 file: the marker \"DICM\" is missing at byte 128.");
    }

    [Fact]
    public void Read_ShorterThanThePreamble_SaysItIsNotDicom()
    {
        FailureOf(new byte[100]).Should().Contain("not a DICOM Part 10 file");
    }

    [Fact]
    public void Read_CutJustBeforeTheEndOfTheMarker_SaysItIsNotDicom()
    {
        var file = Dcmtk.Write(Dcmtk.ChestCt, "+te")[..131];

        FailureOf(file).Should().Contain("the marker \"DICM\" is missing at byte 128");
    }

    [Fact]
    public void Read_Latin1CharacterSet_DecodesTheDescriptionsAsLatin1()
    {
        var file = Dcmtk.Write(Dcmtk.ChestCt.Replace("ISO_IR 192", "ISO_IR 100").Replace("Thorax CT — low dose", "Thorax CT cafe"), "+te");
        file[IndexOf(file, "cafe"u8.ToArray()) + 3] = 0xE9; // é in ISO 8859-1, not a whole character in UTF-8

        Read(file).StudyDescription.Should().Be("Thorax CT café");
    }

    [Fact]
    public void Read_ADescriptionLongerThanTheLimit_IsCutTo256Characters()
    {
        var file = Dcmtk.Write(Dcmtk.ChestCt.Replace("Thorax CT — low dose", new string('x', 300)), "+te");

        Read(file).StudyDescription.Should().Be(new string('x', 256));
    }

    [Fact]
    public void Read_NoTransferSyntax_SaysSo()
    {
        byte[] file = [.. new byte[128], .. "DICM"u8.ToArray()];

        FailureOf(file).Should().Contain("no transfer syntax (0002,0010)");
    }

    [Fact]
    public void Read_TruncatedInTheMiddleOfAnElement_NamesTheElementAndWhereItIs()
    {
        var file = Dcmtk.Write(Dcmtk.ChestCt, "+te");
        var descriptionAt = IndexOf(file, [0x08, 0x00, 0x30, 0x10]);

        var message = FailureOf(file[..(descriptionAt + 12)]);

        message.Should().Be($"The DICOM data is damaged: the element (0008,1030) at byte {descriptionAt} needs 22 more bytes, but the file ends 4 bytes later.");
    }

    [Fact]
    public void Read_LengthPastTheEnd_SaysTheFileIsDamaged()
    {
        var file = Dcmtk.Write(Dcmtk.ChestCt, "+te");
        var descriptionAt = IndexOf(file, [0x08, 0x00, 0x30, 0x10]);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(descriptionAt + 6), 0xFFF0);

        FailureOf(file).Should().StartWith($"The DICOM data is damaged: the element (0008,1030) at byte {descriptionAt} needs 65520 more bytes");
    }

    [Fact]
    public void Read_GarbageWhereAValueRepresentationBelongs_SaysTheFileIsDamaged()
    {
        var file = Dcmtk.Write(Dcmtk.ChestCt, "+te");
        var modalityAt = IndexOf(file, [0x08, 0x00, 0x60, 0x00]);
        file[modalityAt + 4] = 0x01;

        FailureOf(file).Should().Be($"The DICOM data is damaged: the element (0008,0060) at byte {modalityAt} has no valid value representation.");
    }

    [Fact]
    public void Read_SequenceHoldingSomethingOtherThanItems_SaysTheFileIsDamaged()
    {
        const string dump = """
            (0008,0060) CS [OT]
            (0008,1110) SQ (Sequence with undefined length)
              (fffe,e000) na (Item with undefined length)
                (0008,1150) UI [1.2.3]
              (fffe,e00d) na (ItemDelimitationItem)
            (fffe,e0dd) na (SequenceDelimitationItem)
            """;
        var file = Dcmtk.Write(dump, "+te", "-e");
        var itemAt = IndexOf(file, [0xFE, 0xFF, 0x00, 0xE0]);
        file[itemAt] = 0x08; // (FFFE,E000) becomes (FF08,E000)

        FailureOf(file).Should().Contain("holds (FF08,E000)").And.Contain("where an item was expected");
    }

    [Fact]
    public void Read_SequencesNestedTooDeep_StopsWithAMessageInsteadOfRecursingOn()
    {
        var dump = "(0008,0060) CS [OT]\n" + string.Concat(Enumerable.Range(0, 20).Select(_ =>
            "(0008,1115) SQ (Sequence with undefined length)\n(fffe,e000) na (Item with undefined length)\n"))
            + string.Concat(Enumerable.Range(0, 20).Select(_ =>
            "(fffe,e00d) na (ItemDelimitationItem)\n(fffe,e0dd) na (SequenceDelimitationItem)\n"));

        FailureOf(Dcmtk.Write(dump, "+te", "-e")).Should().Contain("nested more than 16 deep");
    }

    [Theory]
    [InlineData("+tb", "Explicit VR Big Endian")]
    [InlineData("+td", "Deflated Explicit VR Little Endian")]
    public void Read_TransferSyntaxWeDoNotRead_SaysWhichAndWhatToDo(string option, string name)
    {
        FailureOf(Dcmtk.Write(Dcmtk.ChestCt, option)).Should().Be(
            $"The file uses the transfer syntax {name}, which MediVault does not read. Download it and open it in a DICOM viewer.");
    }

    [Fact]
    public void Read_DamagedAndCutFiles_GiveASummaryOrAClearMessage_NeverAnotherException()
    {
        var valid = Dcmtk.Write(Dcmtk.ChestCt, "+te");
        var random = new Random(15);
        var messages = new List<string>();
        var crashes = new List<string>();
        for (var i = 0; i < 500; i++)
        {
            var file = valid[..random.Next(132, valid.Length + 1)];
            for (var flips = random.Next(0, 4); flips > 0; flips--)
                file[random.Next(132, file.Length)] = (byte)random.Next(256);
            try
            {
                DicomHeader.Read(file, isWholeFile: i % 3 != 0);
            }
            catch (UnprocessableContentException e)
            {
                messages.Add(e.Message);
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                crashes.Add($"{e.GetType().Name} on sample {i}: {e.Message}");
            }
        }

        crashes.Should().BeEmpty();
        messages.Should().NotBeEmpty().And.OnlyContain(m => m.StartsWith("The ", StringComparison.Ordinal) || m.StartsWith("This ", StringComparison.Ordinal));
    }

    private const string CtImage = "1.2.840.10008.5.1.4.1.1.2";
    private const string MrImage = "1.2.840.10008.5.1.4.1.1.4";

    [Fact]
    public void Read_SopClass_IsTheFileMetasWhenBothSayOne()
    {
        var file = Dcmtk.Write(Dcmtk.ChestCt, "+te");
        var meta = IndexOf(file, System.Text.Encoding.ASCII.GetBytes(CtImage));
        System.Text.Encoding.ASCII.GetBytes(MrImage).CopyTo(file, meta); // the same length

        var summary = Read(file);

        summary.SopClassUid.Should().Be(MrImage);
        summary.SopClass.Should().Be("MR Image");
    }

    [Theory]
    [InlineData(0x02, 0x02, "only the data set's")]
    [InlineData(0x08, 0x16, "only the file meta's")]
    public void Read_SopClass_SaidOnlyOnce_IsRead(byte group, byte element, string because)
    {
        var file = Dcmtk.Write(Dcmtk.ChestCt, "+te");
        file[IndexOf(file, [group, 0x00, element, 0x00, (byte)'U', (byte)'I']) + 2] = 0x09; // renamed to (gggg,0009), which is not read

        var summary = Read(file);

        summary.SopClassUid.Should().Be(CtImage, because);
        summary.SopClass.Should().Be("CT Image");
    }

    [Fact]
    public void Read_ElementsAfterColumns_AreNeverRead_EvenDamaged()
    {
        var file = Dcmtk.Write(Dcmtk.ChestCt, "+te");
        var bitsAllocated = IndexOf(file, [0x28, 0x00, 0x00, 0x01, (byte)'U', (byte)'S']); // (0028,0100), right after (0028,0011)
        file[bitsAllocated + 4] = (byte)'?';

        Read(file).Columns.Should().Be(6);
    }

    [Fact]
    public void Read_WholeFileEndingRightAfterATag_NamesThatElement()
    {
        var file = Dcmtk.Write(Dcmtk.ChestCt, "+te");
        var rows = IndexOf(file, [0x28, 0x00, 0x10, 0x00, (byte)'U', (byte)'S']);

        FailureOf(file[..(rows + 4)]).Should().Be(
            $"The DICOM data is damaged: the element (0028,0010) at byte {rows} needs 2 more bytes, but the file ends 0 bytes later.");
    }

    [Fact]
    public void Read_UnknownElementOfUndefinedLength_IsSkippedAsImplicitVrItems()
    {
        var file = Dcmtk.Write(Dcmtk.ChestCt, "+te");
        var bodyPart = IndexOf(file, [0x18, 0x00, 0x15, 0x00, (byte)'C', (byte)'S']);
        byte[] implicitElement = [0x08, 0x00, 0x04, 0x01, 4, 0, 0, 0, (byte)'A', (byte)'B', (byte)'C', (byte)'D']; // (0008,0104), implicit VR
        byte[] unknown =
        [
            0x11, 0x00, 0x10, 0x10, (byte)'U', (byte)'N', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, // (0011,1010) UN, undefined length
            0xFE, 0xFF, 0x00, 0xE0, 12, 0, 0, 0, .. implicitElement, // an item of defined length
            0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF, .. implicitElement, 0xFE, 0xFF, 0x0D, 0xE0, 0, 0, 0, 0, // and one of undefined length
            0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0, // the sequence delimitation
        ];

        var summary = Read([.. file[..bodyPart], .. unknown, .. file[bodyPart..]]);

        summary.BodyPartExamined.Should().Be("CHEST");
        summary.Rows.Should().Be(4);
    }

    [Fact]
    public void Read_WantedTagsInsideASequence_AreNotTheStudys()
    {
        const string dump = """
            (0008,0016) UI [1.2.840.10008.5.1.4.1.1.7]
            (0008,0060) CS [OT]
            (0008,1110) SQ (Sequence with undefined length)
              (fffe,e000) na (Item with undefined length)
                (0008,0060) CS [XX]
                (0008,1030) LO [Referenced study]
              (fffe,e00d) na (ItemDelimitationItem)
            (fffe,e0dd) na (SequenceDelimitationItem)
            """;

        var summary = Read(Dcmtk.Write(dump, "+te", "-e"));

        summary.Modality.Should().Be("OT");
        summary.StudyDescription.Should().BeNull();
    }

    [Theory]
    [InlineData(16, true)]
    [InlineData(17, false)]
    public void Read_SequencesNestedSixteenDeep_AreRead_SeventeenAreNot(int depth, bool read)
    {
        var dump = "(0008,0060) CS [OT]\n" + string.Concat(Enumerable.Range(0, depth).Select(_ =>
            "(0008,1115) SQ (Sequence with undefined length)\n(fffe,e000) na (Item with undefined length)\n"))
            + string.Concat(Enumerable.Range(0, depth).Select(_ =>
            "(fffe,e00d) na (ItemDelimitationItem)\n(fffe,e0dd) na (SequenceDelimitationItem)\n"))
            + "(0008,103e) LO [After]\n";
        var file = Dcmtk.Write(dump, "+te", "-e");

        if (read)
            Read(file).SeriesDescription.Should().Be("After");
        else
            FailureOf(file).Should().Contain("nested more than 16 deep");
    }

    [Fact]
    public void Read_SequencesCutAnywhere_GiveASummaryOrAClearMessage_NeverAnotherExceptionOrAHang()
    {
        var valid = Dcmtk.Write(NestedSequences, "+te", "-e");
        var start = IndexOf(valid, [0x10, 0x11, (byte)'S', (byte)'Q']) - 2; // the sequence's tag
        var messages = new List<string>();

        for (var end = start; end < valid.Length; end++)
        {
            foreach (var isWholeFile in new[] { true, false })
            {
                try
                {
                    DicomHeader.Read(valid.AsSpan(0, end), isWholeFile).Modality.Should().Be("OT");
                }
                catch (UnprocessableContentException e)
                {
                    isWholeFile.Should().BeTrue("only a whole file that ends early is damaged");
                    messages.Add(e.Message);
                }
            }
        }

        messages.Should().Contain(m => m.Contains("a data element at byte", StringComparison.Ordinal), "a cut inside an item's tag names no element");
        messages.Should().OnlyContain(m => m.StartsWith("The DICOM data is damaged: ", StringComparison.Ordinal));
    }

    private static byte[] ReplaceTransferSyntax(byte[] file, byte[] uid)
    {
        var explicitLe = "1.2.840.10008.1.2.1\0"u8.ToArray();
        var at = IndexOf(file, explicitLe);
        uid.Length.Should().BeGreaterThan(explicitLe.Length);
        // Rewrite the element's length and value, and the meta group's length: the file grows by the difference.
        var grown = uid.Length - explicitLe.Length;
        byte[] patched = [.. file[..(at - 2)], .. BitConverter.GetBytes((ushort)uid.Length), .. uid, .. file[(at + explicitLe.Length)..]];
        var groupLengthAt = IndexOf(patched, [0x02, 0x00, 0x00, 0x00, (byte)'U', (byte)'L']) + 8;
        BinaryPrimitives.WriteUInt32LittleEndian(patched.AsSpan(groupLengthAt), BinaryPrimitives.ReadUInt32LittleEndian(patched.AsSpan(groupLengthAt)) + (uint)grown);
        return patched;
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        var at = haystack.AsSpan().IndexOf(needle);
        at.Should().BeGreaterThan(0, "the sample holds the bytes looked for");
        return at;
    }
}
