using System.Buffers;
using System.Text;

namespace MediVault.Application.Records.Common;

/// <summary>A content type MediVault accepts, and the file-name extensions that agree with it.</summary>
public sealed record AcceptedFileType(string Name, string ContentType, IReadOnlyList<string> Extensions)
{
    public static readonly AcceptedFileType Pdf = new("PDF", "application/pdf", ["pdf"]);
    public static readonly AcceptedFileType Png = new("PNG", "image/png", ["png"]);
    public static readonly AcceptedFileType Jpeg = new("JPEG", "image/jpeg", ["jpg", "jpeg", "jpe", "jfif"]);
    public static readonly AcceptedFileType Dicom = new("DICOM", "application/dicom", ["dcm", "dicom"]);
    public static readonly AcceptedFileType Text = new("plain UTF-8 text", "text/plain", ["txt", "text", "csv", "md", "log"]);

    public static IReadOnlyList<AcceptedFileType> All { get; } = [Pdf, Png, Jpeg, Dicom, Text];

    /// <summary>True when the name has no extension, or one that belongs to this type.</summary>
    public bool AgreesWith(string fileName) => FileNames.ExtensionOf(fileName) is not { } extension || Extensions.Contains(extension);
}

/// <summary>
/// Decides a file's type from its bytes as they stream past, in one pass: magic bytes for the binary types
/// (DICOM: "DICM" at offset 128), otherwise UTF-8 text, which must be valid and free of control characters throughout.
/// </summary>
public sealed class FileTypeDetector
{
    private const int HeadLength = 132;
    private static readonly byte[] PdfMagic = "%PDF-"u8.ToArray();
    private static readonly byte[] PngMagic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] JpegMagic = [0xFF, 0xD8, 0xFF];
    private static readonly byte[] DicomMagic = "DICM"u8.ToArray();
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    // Everything below 0x20 except tab, LF, form feed and CR; and DEL.
    private static readonly SearchValues<byte> ForbiddenInText = SearchValues.Create(
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 127]);

    private readonly byte[] _head = new byte[HeadLength];
    private readonly Decoder _utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetDecoder();
    private readonly char[] _scratch = new char[4096];
    private int _headLength;
    private bool _decided;
    private AcceptedFileType? _type;
    private bool _textStillValid = true;

    /// <summary>Feeds the next bytes of the content.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        if (!_decided)
        {
            var take = Math.Min(data.Length, HeadLength - _headLength);
            data[..take].CopyTo(_head.AsSpan(_headLength));
            _headLength += take;
            data = data[take..];
            if (_headLength < HeadLength)
                return;
            Decide();
        }

        if (_type == AcceptedFileType.Text)
            CheckText(data, final: false);
    }

    /// <summary>The type after the last byte, or null when the content is of no accepted type.</summary>
    public AcceptedFileType? Complete()
    {
        if (!_decided)
            Decide();
        if (_type == AcceptedFileType.Text)
            CheckText([], final: true);
        return _type == AcceptedFileType.Text && !_textStillValid ? null : _type;
    }

    private void Decide()
    {
        _decided = true;
        var head = _head.AsSpan(0, _headLength);
        _type = head.StartsWith(PdfMagic) ? AcceptedFileType.Pdf
            : head.StartsWith(PngMagic) ? AcceptedFileType.Png
            : head.StartsWith(JpegMagic) ? AcceptedFileType.Jpeg
            : head.Length >= HeadLength && head[128..132].SequenceEqual(DicomMagic) ? AcceptedFileType.Dicom
            : AcceptedFileType.Text;
        if (_type == AcceptedFileType.Text)
            CheckText(head.StartsWith(Utf8Bom) ? head[Utf8Bom.Length..] : head, final: false);
    }

    private void CheckText(ReadOnlySpan<byte> data, bool final)
    {
        if (!_textStillValid)
            return;
        if (data.IndexOfAny(ForbiddenInText) >= 0)
        {
            _textStillValid = false;
            return;
        }

        try
        {
            // Decode through a small buffer: the decoder keeps a sequence split across two reads for the next call.
            while (!data.IsEmpty)
            {
                _utf8.Convert(data, _scratch, flush: false, out var used, out _, out _);
                if (used == 0)
                    break;
                data = data[used..];
            }
            if (final)
                _utf8.Convert([], _scratch, flush: true, out _, out _, out _); // a sequence cut off at the end throws here
        }
        catch (DecoderFallbackException)
        {
            _textStillValid = false;
        }
    }
}
