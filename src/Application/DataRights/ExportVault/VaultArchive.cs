using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MediVault.Application.DataRights.ExportVault;

/// <summary>
/// The ZIP archive of an export, written forwards only onto a stream that need not seek (the response body). One
/// entry is open at a time; entry names are unique (a repeated name gets " (2)", " (3)" before its extension).
/// </summary>
public sealed class VaultArchive : IAsyncDisposable
{
    /// <summary>The API's JSON shape: camelCase, enums as kebab-case strings.</summary>
    public static readonly JsonSerializerOptions Json = CreateJson();

    private readonly ZipArchive _zip;
    private readonly AsyncWrites _body;
    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);

    private VaultArchive(ZipArchive zip, AsyncWrites body) => (_zip, _body) = (zip, body);

    public static async Task<VaultArchive> CreateAsync(Stream body, CancellationToken cancellationToken)
    {
        var writes = new AsyncWrites(body);
        return new(await ZipArchive.CreateAsync(writes, ZipArchiveMode.Create, leaveOpen: true, Encoding.UTF8, cancellationToken), writes);
    }

    /// <summary>
    /// Opens a new entry for writing under a unique form of <paramref name="name"/> (returned). Already-compressed
    /// content (files) is stored as it is; text is deflated.
    /// </summary>
    public async Task<(Stream Entry, string Name)> OpenEntryAsync(string name, bool compress, CancellationToken cancellationToken)
    {
        var unique = Unique(name);
        var entry = _zip.CreateEntry(unique, compress ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
        return (await entry.OpenAsync(cancellationToken), unique);
    }

    public async Task WriteTextAsync(string name, string text, CancellationToken cancellationToken)
    {
        var (entry, _) = await OpenEntryAsync(name, compress: true, cancellationToken);
        await using (entry)
            await entry.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
    }

    public async Task WriteJsonAsync<T>(string name, T value, CancellationToken cancellationToken)
    {
        var (entry, _) = await OpenEntryAsync(name, compress: true, cancellationToken);
        await using (entry)
            await JsonSerializer.SerializeAsync(entry, value, Json, cancellationToken);
    }

    /// <summary>A JSON array written one item at a time, for lists that may be long.</summary>
    public async Task WriteJsonArrayAsync<T>(string name, IAsyncEnumerable<T> items, CancellationToken cancellationToken)
    {
        var (entry, _) = await OpenEntryAsync(name, compress: true, cancellationToken);
        await using (entry)
        {
            await using var writer = new Utf8JsonWriter(entry, new JsonWriterOptions { Indented = true });
            writer.WriteStartArray();
            await foreach (var item in items.WithCancellation(cancellationToken))
            {
                JsonSerializer.Serialize(writer, item, Json);
                if (writer.BytesPending > 32 * 1024)
                    await writer.FlushAsync(cancellationToken);
            }
            writer.WriteEndArray();
            await writer.FlushAsync(cancellationToken);
        }
    }

    /// <summary>Writes the central directory and sends what is still held back.</summary>
    public async ValueTask DisposeAsync()
    {
        await _zip.DisposeAsync();
        await _body.FlushAsync(CancellationToken.None);
    }

    private string Unique(string name)
    {
        if (_names.Add(name))
            return name;
        var slash = name.LastIndexOf('/') + 1;
        var dot = name.LastIndexOf('.');
        var (stem, extension) = dot > slash ? (name[..dot], name[dot..]) : (name, "");
        for (var n = 2; ; n++)
        {
            var candidate = $"{stem} ({n}){extension}";
            if (_names.Add(candidate))
                return candidate;
        }
    }

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        return options;
    }

    /// <summary>
    /// ZipArchive closes an entry with a few small synchronous writes (the deflate tail, the data descriptor), which
    /// a response body refuses. They are held here and sent ahead of the next asynchronous write: a few bytes to a few
    /// KiB, never content.
    /// </summary>
    private sealed class AsyncWrites(Stream inner) : Stream
    {
        private readonly MemoryStream _held = new();

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => _held.Write(buffer, offset, count);
        public override void Write(ReadOnlySpan<byte> buffer) => _held.Write(buffer);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await SendHeldAsync(cancellationToken);
            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override void Flush() { } // held bytes go out with the next asynchronous write or flush
        public override async Task FlushAsync(CancellationToken cancellationToken)
        {
            await SendHeldAsync(cancellationToken);
            await inner.FlushAsync(cancellationToken);
        }

        private async ValueTask SendHeldAsync(CancellationToken cancellationToken)
        {
            if (_held.Length == 0)
                return;
            await inner.WriteAsync(_held.GetBuffer().AsMemory(0, (int)_held.Length), cancellationToken);
            _held.SetLength(0);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _held.Dispose();
            base.Dispose(disposing);
        }
    }
}
