using System.Buffers.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MediVault.Application.Sharing.SmartHealthLinks;

/// <summary>
/// The SMART Health Link payload: minified JSON, base64url without padding, after <c>shlink:/</c>. Properties are
/// written in the order <c>url, flag, key, label, exp, v</c>, absent ones left out, so the specification's example
/// encodes to exactly its published string.
/// </summary>
/// <param name="Url">The manifest URL (at most 128 characters).</param>
/// <param name="Key">The link key: 32 bytes, base64url (43 characters).</param>
/// <param name="Exp">Expiry in epoch seconds, a hint for viewers.</param>
/// <param name="Flag">Flag letters in alphabetical order (<c>L</c>, <c>P</c>, <c>U</c>), or null.</param>
/// <param name="Label">At most 80 characters, or null.</param>
/// <param name="V">The protocol version; null reads as 1.</param>
public sealed record ShlPayload(string Url, string Key, long? Exp = null, string? Flag = null, string? Label = null, int? V = null)
{
    public const string Scheme = "shlink:/";

    private static readonly JsonWriterOptions Minified = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string ToShlink()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Minified))
        {
            writer.WriteStartObject();
            writer.WriteString("url", Url);
            if (Flag is { Length: > 0 })
                writer.WriteString("flag", Flag);
            writer.WriteString("key", Key);
            if (Label is not null)
                writer.WriteString("label", Label);
            if (Exp is { } exp)
                writer.WriteNumber("exp", exp);
            if (V is { } v)
                writer.WriteNumber("v", v);
            writer.WriteEndObject();
        }
        return Scheme + Base64Url.EncodeToString(buffer.ToArray());
    }

    /// <summary>Reads <c>shlink:/…</c>, also after a viewer prefix ending in <c>#</c>. A <see cref="FormatException"/> for anything else.</summary>
    public static ShlPayload Parse(string link)
    {
        ArgumentNullException.ThrowIfNull(link);
        var start = link.IndexOf(Scheme, StringComparison.Ordinal);
        if (start < 0 || (start > 0 && link[start - 1] != '#'))
            throw new FormatException("Not a shlink:/ URI.");
        byte[] json;
        try
        {
            json = Base64Url.DecodeFromChars(link.AsSpan(start + Scheme.Length));
        }
        catch (FormatException ex)
        {
            throw new FormatException("The payload is not base64url.", ex);
        }
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            return new ShlPayload(
                Required(root, "url"), Required(root, "key"),
                root.TryGetProperty("exp", out var exp) ? exp.GetInt64() : null,
                root.TryGetProperty("flag", out var flag) ? flag.GetString() : null,
                root.TryGetProperty("label", out var label) ? label.GetString() : null,
                root.TryGetProperty("v", out var v) ? v.GetInt32() : null);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new FormatException("The payload is not a SMART Health Link JSON object.", ex);
        }
    }

    private static string Required(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.GetString() is { Length: > 0 } text
            ? text
            : throw new FormatException($"The payload has no \"{name}\".");
}
