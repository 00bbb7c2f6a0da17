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
    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);

    private VaultArchive(ZipArchive zip) => _zip = zip;

    public static async Task<VaultArchive> CreateAsync(Stream body, CancellationToken cancellationToken) =>
        new(await ZipArchive.CreateAsync(body, ZipArchiveMode.Create, leaveOpen: true, Encoding.UTF8, cancellationToken));

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

    public ValueTask DisposeAsync() => _zip.DisposeAsync();

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
}
