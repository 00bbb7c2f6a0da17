using System.Globalization;
using System.Text;
using MediVault.Domain.Records;

namespace MediVault.Application.Records.Common;

/// <summary>Turns the name a client sent into the name we keep and show: no path, no control or format characters, bounded length.</summary>
public static class FileNames
{
    public const string Fallback = "file";

    public static string Sanitize(string? raw)
    {
        // Browsers and tools may send a whole path ("C:\scans\x.pdf", "../../x.pdf"): keep the last segment only.
        var name = raw ?? "";
        var slash = name.LastIndexOfAny(['/', '\\']);
        if (slash >= 0)
            name = name[(slash + 1)..];

        var kept = new StringBuilder(name.Length);
        foreach (var rune in name.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            // Control characters, and format characters such as U+202E that can make "exe.pdf" display as "fdp.exe".
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned)
                continue;
            kept.Append(rune.ToString());
        }

        // Leading dots would hide the file on Unix and ".." is no name; trailing dots and spaces vanish on Windows.
        name = kept.ToString().Trim().TrimStart('.').TrimEnd('.', ' ').Trim();
        if (name.Length == 0)
            return Fallback;
        return Shorten(name, MedicalFile.MaxFileNameLength);
    }

    /// <summary>The extension without its dot, lower-case, or null: 1–10 letters or digits with at least one letter.</summary>
    public static string? ExtensionOf(string fileName)
    {
        var dot = fileName.LastIndexOf('.');
        if (dot <= 0 || dot == fileName.Length - 1)
            return null;
        var extension = fileName[(dot + 1)..];
        return extension.Length <= 10 && extension.All(char.IsAsciiLetterOrDigit) && extension.Any(char.IsAsciiLetter)
            ? extension.ToLowerInvariant()
            : null;
    }

    private static string Shorten(string name, int max)
    {
        if (name.Length <= max)
            return name;
        var extension = ExtensionOf(name);
        var suffix = extension is null ? "" : "." + extension;
        var stem = name[..^suffix.Length];
        var cut = max - suffix.Length;
        if (char.IsHighSurrogate(stem[cut - 1]))
            cut--; // never split a surrogate pair
        return stem[..cut].TrimEnd('.', ' ') + suffix;
    }
}
