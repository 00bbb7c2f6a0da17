using System.Globalization;
using System.Text;

namespace MediVault.Domain.Common;

/// <summary>
/// The JSON Canonicalization Scheme (RFC 8785) for the values the domain hashes: objects, arrays, strings,
/// booleans and null (no numbers). Keys are sorted by UTF-16 code unit, there is no whitespace, and strings
/// escape only what JSON requires, so any JCS implementation reproduces the exact bytes.
/// </summary>
public static class CanonicalJson
{
    /// <summary>
    /// Serializes <paramref name="value"/>: an <see cref="IReadOnlyDictionary{TKey,TValue}"/> of string keys, an
    /// <see cref="IEnumerable{T}"/>, a string, a bool or null.
    /// </summary>
    public static string Serialize(object? value)
    {
        var builder = new StringBuilder();
        Write(builder, value);
        return builder.ToString();
    }

    private static void Write(StringBuilder builder, object? value)
    {
        switch (value)
        {
            case null:
                builder.Append("null");
                break;
            case bool flag:
                builder.Append(flag ? "true" : "false");
                break;
            case string text:
                WriteString(builder, text);
                break;
            case IReadOnlyDictionary<string, object?> members:
                builder.Append('{');
                var first = true;
                foreach (var key in members.Keys.Order(StringComparer.Ordinal))
                {
                    if (!first)
                        builder.Append(',');
                    first = false;
                    WriteString(builder, key);
                    builder.Append(':');
                    Write(builder, members[key]);
                }
                builder.Append('}');
                break;
            case System.Collections.IEnumerable items:
                builder.Append('[');
                var firstItem = true;
                foreach (var item in items)
                {
                    if (!firstItem)
                        builder.Append(',');
                    firstItem = false;
                    Write(builder, item);
                }
                builder.Append(']');
                break;
            default:
                throw new ArgumentException($"{value.GetType().Name} has no canonical JSON form here.", nameof(value));
        }
    }

    private static void WriteString(StringBuilder builder, string text)
    {
        builder.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case < ' ': builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: builder.Append(c); break;
            }
        }
        builder.Append('"');
    }
}
