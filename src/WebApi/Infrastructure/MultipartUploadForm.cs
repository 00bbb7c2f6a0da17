using Mediator;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Records.UploadFile;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace MediVault.WebApi.Infrastructure;

/// <summary>
/// Reads an upload's multipart body as a stream, section by section (never a buffered IFormFile): the file section is
/// streamed straight into <see cref="ReceiveUpload"/>, the small text fields are kept, in whatever order they come.
/// The fields that come before the file are checked (<see cref="BeginUpload"/>) before the file is read.
/// </summary>
internal sealed class MultipartUploadForm : IAsyncDisposable
{
    public const string FileField = "file";
    private const int MaxFieldBytes = 16 * 1024;
    private const int MaxSections = 16;
    /// <summary>The reader's default 4 KiB buffer hands the file over in slivers; a chunk's worth keeps the pipeline fed.</summary>
    private const int BodyBufferSize = 64 * 1024;
    /// <summary>Room for the boundaries, part headers and text fields around the file.</summary>
    private const long FormOverheadBytes = 1024 * 1024;
    private static readonly string[] TextFields = ["category", "description", "recordDate", "patientId"];

    private readonly Dictionary<string, string> _fields = new(StringComparer.OrdinalIgnoreCase);

    public ReceivedUpload? File { get; private set; }
    public string? Field(string name) => _fields.GetValueOrDefault(name);

    public static async Task<MultipartUploadForm> ReadAsync(HttpRequest request, ISender mediator, long maxFileBytes, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) ||
            !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            throw new UnsupportedMediaTypeException("Send the upload as multipart/form-data.");
        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 70)
            throw new BadRequestException("The multipart boundary is missing or too long.");

        var limit = maxFileBytes + FormOverheadBytes;
        if (request.ContentLength > limit)
            throw new PayloadTooLargeException($"The file is larger than the limit of {maxFileBytes} bytes.");
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
            bodyLimit.MaxRequestBodySize = limit;

        var form = new MultipartUploadForm();
        try
        {
            await form.ReadSectionsAsync(new MultipartReader(boundary, request.Body, BodyBufferSize) { HeadersCountLimit = 16, HeadersLengthLimit = 16 * 1024 },
                mediator, maxFileBytes, cancellationToken);
            return form;
        }
        catch (Exception ex) when (IsMalformedMultipart(ex))
        {
            await form.DisposeAsync();
            throw new BadRequestException("The multipart body is malformed: a line is too long or a part is not closed by its boundary.");
        }
        catch
        {
            await form.DisposeAsync();
            throw;
        }
    }

    /// <summary>What the multipart reader throws for a body that breaks the format (not a failure of ours).</summary>
    private static bool IsMalformedMultipart(Exception ex) =>
        ex is InvalidDataException
        || (ex is IOException && ex.GetType() == typeof(IOException) && ex.Message.StartsWith("Unexpected end of Stream", StringComparison.Ordinal));

    private async Task ReadSectionsAsync(MultipartReader reader, ISender mediator, long maxFileBytes, CancellationToken cancellationToken)
    {
        var sections = 0;
        while (await NextSectionAsync(reader, cancellationToken) is { } section)
        {
            section.Body = new SectionBody(section.Body);
            if (++sections > MaxSections)
                throw new BadRequestException($"An upload has at most {MaxSections} parts.");
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                throw new BadRequestException("Every part needs a Content-Disposition: form-data header.");
            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";

            if (name.Equals(FileField, StringComparison.OrdinalIgnoreCase))
            {
                if (File is not null)
                    throw new ValidationFailedException(FileField, "Send one file per upload.");
                // What came before the file is checked now, so a refused upload is answered before the file is read.
                await mediator.Send(new BeginUpload(Field("patientId"), Field("category"), Field("description"), Field("recordDate")), cancellationToken);
                var fileName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                File = await mediator.Send(new ReceiveUpload(section.Body, fileName, maxFileBytes), cancellationToken);
            }
            else if (TextFields.FirstOrDefault(f => f.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } field)
            {
                // Two values for one field (a second category, or a patientId after the file that differs from the
                // one checked before it) would leave the server to pick one: the sender is asked instead.
                if (_fields.ContainsKey(field))
                    throw new ValidationFailedException(field, $"Send {field} once.");
                _fields[field] = await ReadTextAsync(section.Body, field, cancellationToken);
            }
            // Other parts are skipped: the reader drains them when it moves on.
        }
    }

    private static async Task<MultipartSection?> NextSectionAsync(MultipartReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadNextSectionAsync(cancellationToken);
        }
        catch (Exception ex) when (SectionBody.IsMalformed(ex))
        {
            throw SectionBody.Malformed();
        }
    }

    private static async Task<string> ReadTextAsync(Stream body, string field, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxFieldBytes + 1];
        var length = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        if (length > MaxFieldBytes)
            throw new ValidationFailedException(field, $"{field} is longer than {MaxFieldBytes} bytes.");
        return System.Text.Encoding.UTF8.GetString(buffer, 0, length).Trim();
    }

    public async ValueTask DisposeAsync()
    {
        if (File is not null)
            await File.DisposeAsync();
    }

    /// <summary>
    /// A part's body as the multipart reader hands it out, where a body that breaks the multipart format (no boundary,
    /// no closing boundary, a part header too long) becomes a 400 instead of the reader's <see cref="IOException"/>.
    /// Failures of the connection itself (<see cref="BadHttpRequestException"/>) pass through unchanged.
    /// </summary>
    private sealed class SectionBody(Stream inner) : Stream
    {
        public static bool IsMalformed(Exception exception) =>
            exception is InvalidDataException || (exception is IOException && exception is not BadHttpRequestException
                && exception.GetType() == typeof(IOException));

        public static BadRequestException Malformed() =>
            new("The multipart body is malformed: each part must start with the boundary and the body must end with the closing boundary.");

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            try
            {
                return inner.Read(buffer, offset, count);
            }
            catch (Exception ex) when (IsMalformed(ex))
            {
                throw Malformed();
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await inner.ReadAsync(buffer, cancellationToken);
            }
            catch (Exception ex) when (IsMalformed(ex))
            {
                throw Malformed();
            }
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
