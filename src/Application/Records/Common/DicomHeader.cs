using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using MediVault.Application.Common.Exceptions;

namespace MediVault.Application.Records.Common;

/// <summary>
/// What a DICOM file says about its study, without anything that names the person: modality, dates, descriptions,
/// image size and the encoding (docs/api.md, "File preview").
/// </summary>
public sealed record DicomSummary(
    string TransferSyntaxUid,
    string? TransferSyntax,
    string? SopClassUid,
    string? SopClass,
    string? Modality,
    DateOnly? StudyDate,
    string? StudyDescription,
    string? SeriesDescription,
    string? BodyPartExamined,
    int? Rows,
    int? Columns,
    int? NumberOfFrames);

/// <summary>
/// Reads the start of a DICOM Part 10 file (PS3.10 §7.1): the 128-byte preamble, "DICM", the file meta group in
/// explicit VR little endian, then the data set in explicit or implicit VR little endian (encapsulated pixel data is
/// explicit VR little endian too). Only the elements of <see cref="DicomSummary"/> are decoded; reading stops before
/// group 0010 (the patient module) is ever looked at, so no name or identifier leaves this class. Damaged input gives
/// an <see cref="UnprocessableContentException"/> whose message says what is wrong and where.
/// </summary>
public static class DicomHeader
{
    /// <summary>How much of a file is read: data elements before the image are small, so this holds any real header.</summary>
    public const int ReadLimitBytes = 1024 * 1024;

    private const int PreambleLength = 128;
    private const int MaxNesting = 16;
    private const int MaxTextChars = 256;
    private const uint UndefinedLength = 0xFFFFFFFF;

    private const string ExplicitVrLittleEndian = "1.2.840.10008.1.2.1";
    private const string ImplicitVrLittleEndian = "1.2.840.10008.1.2";
    private const string ExplicitVrBigEndian = "1.2.840.10008.1.2.2";
    private const string DeflatedExplicitVrLittleEndian = "1.2.840.10008.1.2.1.99";

    private static readonly Dictionary<string, string> TransferSyntaxNames = new(StringComparer.Ordinal)
    {
        [ImplicitVrLittleEndian] = "Implicit VR Little Endian",
        [ExplicitVrLittleEndian] = "Explicit VR Little Endian",
        [ExplicitVrBigEndian] = "Explicit VR Big Endian",
        [DeflatedExplicitVrLittleEndian] = "Deflated Explicit VR Little Endian",
        ["1.2.840.10008.1.2.4.50"] = "JPEG Baseline",
        ["1.2.840.10008.1.2.4.51"] = "JPEG Extended",
        ["1.2.840.10008.1.2.4.57"] = "JPEG Lossless",
        ["1.2.840.10008.1.2.4.70"] = "JPEG Lossless, first-order prediction",
        ["1.2.840.10008.1.2.4.80"] = "JPEG-LS Lossless",
        ["1.2.840.10008.1.2.4.81"] = "JPEG-LS Near-Lossless",
        ["1.2.840.10008.1.2.4.90"] = "JPEG 2000 Lossless",
        ["1.2.840.10008.1.2.4.91"] = "JPEG 2000",
        ["1.2.840.10008.1.2.5"] = "RLE Lossless",
    };

    private static readonly Dictionary<string, string> SopClassNames = new(StringComparer.Ordinal)
    {
        ["1.2.840.10008.5.1.4.1.1.1"] = "Computed Radiography Image",
        ["1.2.840.10008.5.1.4.1.1.1.1"] = "Digital X-Ray Image",
        ["1.2.840.10008.5.1.4.1.1.1.2"] = "Digital Mammography X-Ray Image",
        ["1.2.840.10008.5.1.4.1.1.2"] = "CT Image",
        ["1.2.840.10008.5.1.4.1.1.2.1"] = "Enhanced CT Image",
        ["1.2.840.10008.5.1.4.1.1.3.1"] = "Ultrasound Multi-frame Image",
        ["1.2.840.10008.5.1.4.1.1.4"] = "MR Image",
        ["1.2.840.10008.5.1.4.1.1.4.1"] = "Enhanced MR Image",
        ["1.2.840.10008.5.1.4.1.1.6.1"] = "Ultrasound Image",
        ["1.2.840.10008.5.1.4.1.1.7"] = "Secondary Capture Image",
        ["1.2.840.10008.5.1.4.1.1.12.1"] = "X-Ray Angiographic Image",
        ["1.2.840.10008.5.1.4.1.1.20"] = "Nuclear Medicine Image",
        ["1.2.840.10008.5.1.4.1.1.104.1"] = "Encapsulated PDF",
        ["1.2.840.10008.5.1.4.1.1.128"] = "PET Image",
        ["1.2.840.10008.5.1.4.1.1.481.1"] = "RT Image",
    };

    /// <summary>The VRs whose length is 4 bytes after 2 reserved ones in explicit VR (PS3.5 §7.1.2).</summary>
    private static readonly HashSet<string> LongLengthVrs = new(StringComparer.Ordinal)
    {
        "OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV",
    };

    private static readonly Tag MediaStorageSopClassUid = new(0x0002, 0x0002);
    private static readonly Tag TransferSyntaxUid = new(0x0002, 0x0010);
    private static readonly Tag SpecificCharacterSet = new(0x0008, 0x0005);
    private static readonly Tag SopClassUid = new(0x0008, 0x0016);
    private static readonly Tag StudyDate = new(0x0008, 0x0020);
    private static readonly Tag Modality = new(0x0008, 0x0060);
    private static readonly Tag StudyDescription = new(0x0008, 0x1030);
    private static readonly Tag SeriesDescription = new(0x0008, 0x103E);
    private static readonly Tag BodyPartExamined = new(0x0018, 0x0015);
    private static readonly Tag NumberOfFrames = new(0x0028, 0x0008);
    private static readonly Tag Rows = new(0x0028, 0x0010);
    private static readonly Tag Columns = new(0x0028, 0x0011);
    private static readonly Tag Item = new(0xFFFE, 0xE000);
    private static readonly Tag ItemDelimitation = new(0xFFFE, 0xE00D);
    private static readonly Tag SequenceDelimitation = new(0xFFFE, 0xE0DD);

    /// <summary>Reading stops after this tag (elements come in ascending order); the patient module, group 0010, is skipped unread.</summary>
    private static readonly Tag LastTagRead = Columns;

    /// <summary>
    /// Reads the summary from the first bytes of a file. <paramref name="isWholeFile"/> says whether
    /// <paramref name="head"/> is the complete file (then running out of bytes is damage) or only its first
    /// <see cref="ReadLimitBytes"/> (then reading stops there with what was found).
    /// </summary>
    public static DicomSummary Read(ReadOnlySpan<byte> head, bool isWholeFile)
    {
        if (head.Length < PreambleLength + 4 || !head.Slice(PreambleLength, 4).SequenceEqual("DICM"u8))
            throw Damaged("This is not a DICOM Part 10 file: the marker \"DICM\" is missing at byte 128.");

        var found = new Dictionary<Tag, byte[]>();
        var reader = new Reader(head, PreambleLength + 4, isWholeFile, found);

        // The file meta group: always explicit VR little endian, and always first.
        while (!reader.AtLimit && reader.PeekTag() is { Group: 0x0002 })
            reader.ReadElement(explicitVr: true, depth: 0);
        if (!found.TryGetValue(TransferSyntaxUid, out var syntaxBytes))
            throw Damaged("The DICOM file meta information has no transfer syntax (0002,0010), so its data cannot be read.");

        var transferSyntax = Text(syntaxBytes, Encoding.ASCII);
        var explicitVr = transferSyntax switch
        {
            ImplicitVrLittleEndian => false,
            ExplicitVrBigEndian or DeflatedExplicitVrLittleEndian => throw Damaged(
                $"The file uses the transfer syntax {NameOf(transferSyntax)}, which MediVault does not read. Download it and open it in a DICOM viewer."),
            _ => true, // explicit VR little endian, and every compressed syntax (only the pixel data differs)
        };

        while (!reader.AtLimit && reader.PeekTag() is { } next && next.ComesBeforeOrIs(LastTagRead))
            reader.ReadElement(explicitVr, depth: 0);

        var encoding = found.TryGetValue(SpecificCharacterSet, out var charset) && Text(charset, Encoding.ASCII).Contains("ISO_IR 192", StringComparison.Ordinal)
            ? Encoding.UTF8
            : Encoding.Latin1; // the default repertoire is ASCII, and ISO_IR 100 (Latin-1) is the common extension
        var sopClass = Value(found, MediaStorageSopClassUid, Encoding.ASCII) ?? Value(found, SopClassUid, Encoding.ASCII);
        return new DicomSummary(
            transferSyntax,
            NameOf(transferSyntax),
            sopClass,
            sopClass is not null && SopClassNames.TryGetValue(sopClass, out var sopName) ? sopName : null,
            Value(found, Modality, Encoding.ASCII),
            Date(Value(found, StudyDate, Encoding.ASCII)),
            Value(found, StudyDescription, encoding),
            Value(found, SeriesDescription, encoding),
            Value(found, BodyPartExamined, Encoding.ASCII),
            UnsignedShort(found, Rows),
            UnsignedShort(found, Columns),
            Integer(Value(found, NumberOfFrames, Encoding.ASCII)));
    }

    private static string? NameOf(string transferSyntax) => TransferSyntaxNames.GetValueOrDefault(transferSyntax);

    private static UnprocessableContentException Damaged(string message) => new(message);

    private static string? Value(Dictionary<Tag, byte[]> found, Tag tag, Encoding encoding) =>
        found.TryGetValue(tag, out var bytes) && Text(bytes, encoding) is { Length: > 0 } text ? text : null;

    /// <summary>Trailing padding (space, NUL) off, control characters out, at most <see cref="MaxTextChars"/> characters.</summary>
    private static string Text(byte[] bytes, Encoding encoding)
    {
        var text = encoding.GetString(bytes).TrimEnd(' ', '\0').TrimStart(' ');
        var clean = new StringBuilder(Math.Min(text.Length, MaxTextChars));
        foreach (var c in text)
        {
            if (clean.Length == MaxTextChars)
                break;
            if (!char.IsControl(c))
                clean.Append(c);
        }
        return clean.ToString();
    }

    private static DateOnly? Date(string? value) =>
        value is not null && DateOnly.TryParseExact(value, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    private static int? Integer(string? value) =>
        value is not null && int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? number : null;

    private static int? UnsignedShort(Dictionary<Tag, byte[]> found, Tag tag) =>
        found.TryGetValue(tag, out var bytes) && bytes.Length >= 2 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes) : null;

    /// <summary>The data elements this class decodes; every other value is skipped unread.</summary>
    private static bool IsWanted(Tag tag) =>
        tag == MediaStorageSopClassUid || tag == TransferSyntaxUid || tag == SpecificCharacterSet || tag == SopClassUid
        || tag == StudyDate || tag == Modality || tag == StudyDescription || tag == SeriesDescription
        || tag == BodyPartExamined || tag == NumberOfFrames || tag == Rows || tag == Columns;

    private readonly record struct Tag(ushort Group, ushort Element)
    {
        public bool ComesBeforeOrIs(Tag other) => Group < other.Group || (Group == other.Group && Element <= other.Element);

        public override string ToString() => $"({Group:X4},{Element:X4})";
    }

    /// <summary>
    /// A cursor over the bytes; every step checks that the bytes it needs are there. Running out of bytes is damage
    /// in a whole file, and in a file's first <see cref="ReadLimitBytes"/> the end of reading (<see cref="AtLimit"/>).
    /// </summary>
    private ref struct Reader(ReadOnlySpan<byte> bytes, int position, bool isWholeFile, Dictionary<Tag, byte[]> found)
    {
        private readonly ReadOnlySpan<byte> bytes = bytes;
        private int position = position;

        public bool AtLimit { get; private set; }

        public readonly int Remaining => bytes.Length - position;

        /// <summary>The next element's tag, or null at the end of the bytes (a whole file may end after any element).</summary>
        public readonly Tag? PeekTag() => Remaining >= 4
            ? new Tag(BinaryPrimitives.ReadUInt16LittleEndian(bytes[position..]), BinaryPrimitives.ReadUInt16LittleEndian(bytes[(position + 2)..]))
            : null;

        /// <summary>Reads one data element; keeps its value when it is wanted at the top level; skips sequences item by item.</summary>
        public void ReadElement(bool explicitVr, int depth)
        {
            var start = position;
            if (ReadTag(start) is not { } tag)
                return;
            uint length;
            string? vr = null;
            if (explicitVr && tag.Group != 0xFFFE)
            {
                if (!Has(2, tag, start))
                    return;
                vr = Encoding.ASCII.GetString(Take(2));
                if (!IsVr(vr))
                    throw Damaged($"The DICOM data is damaged: the element {tag} at byte {start} has no valid value representation.");
                var longLength = LongLengthVrs.Contains(vr);
                if (!Has(longLength ? 6 : 2, tag, start))
                    return;
                length = longLength ? BinaryPrimitives.ReadUInt32LittleEndian(Take(6)[2..]) : BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
            }
            else
            {
                if (!Has(4, tag, start))
                    return;
                length = BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
            }

            if (length == UndefinedLength)
            {
                // A sequence, pixel data in fragments, or UN holding implicit VR data: items up to a sequence delimiter.
                SkipItems(explicitVr && vr != "UN", tag, start, depth + 1);
                return;
            }
            if (!Has(length, tag, start))
                return;
            var value = Take((int)length);
            if (depth == 0 && IsWanted(tag))
                found[tag] = value.ToArray();
        }

        private void SkipItems(bool explicitVr, Tag sequence, int sequenceStart, int depth)
        {
            if (depth > MaxNesting)
                throw Damaged($"The DICOM data is damaged: sequences are nested more than {MaxNesting} deep in {sequence} at byte {sequenceStart}.");
            while (!AtLimit)
            {
                var start = position;
                if (ReadTag(start) is not { } tag || !Has(4, tag, start))
                    return;
                var length = BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
                if (tag == SequenceDelimitation)
                    return;
                if (tag != Item)
                    throw Damaged($"The DICOM data is damaged: the sequence {sequence} at byte {sequenceStart} holds {tag} at byte {start} where an item was expected.");
                if (length != UndefinedLength)
                {
                    if (Has(length, tag, start))
                        Take((int)length);
                    continue;
                }
                // An item of undefined length: its elements up to the item delimiter.
                while (!AtLimit && !NextIsItemDelimitation())
                    ReadElement(explicitVr, depth);
                if (!AtLimit)
                    Take(8);
            }
        }

        private readonly bool NextIsItemDelimitation() =>
            Remaining >= 8 && BinaryPrimitives.ReadUInt16LittleEndian(bytes[position..]) == ItemDelimitation.Group
            && BinaryPrimitives.ReadUInt16LittleEndian(bytes[(position + 2)..]) == ItemDelimitation.Element;

        private Tag? ReadTag(int start)
        {
            if (!Has(4, null, start))
                return null;
            var tag = Take(4);
            return new Tag(BinaryPrimitives.ReadUInt16LittleEndian(tag), BinaryPrimitives.ReadUInt16LittleEndian(tag[2..]));
        }

        /// <summary>Whether <paramref name="count"/> more bytes are there; if not, the damage in a whole file, or the read limit reached.</summary>
        private bool Has(long count, Tag? tag, int start)
        {
            if (count <= Remaining)
                return true;
            if (isWholeFile)
            {
                var what = tag is { } t ? $"the element {t}" : "a data element";
                throw Damaged($"The DICOM data is damaged: {what} at byte {start} needs {count} more bytes, but the file ends {Remaining} bytes later.");
            }
            position = bytes.Length;
            AtLimit = true;
            return false;
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            var span = bytes.Slice(position, count);
            position += count;
            return span;
        }

        private static bool IsVr(string vr) => vr.Length == 2 && char.IsAsciiLetterUpper(vr[0]) && char.IsAsciiLetterUpper(vr[1]);
    }
}
