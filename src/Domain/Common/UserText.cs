namespace MediVault.Domain.Common;

/// <summary>
/// The one rule for text users type that we keep and show to others (names, contacts, notes, descriptions, labels):
/// bidirectional control characters are removed. U+202A–U+202E (embeddings and overrides), U+2066–U+2069 (isolates),
/// U+200E/U+200F (marks) and U+061C (Arabic letter mark) can make stored text display in another order than it was
/// written ("Trojan Source"), so a name or note would not read as what it is. File names drop them too (they drop every
/// format character).
/// </summary>
public static class UserText
{
    public static bool IsBidiControl(char c) =>
        c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C';

    /// <summary>The text without its bidirectional control characters; null stays null.</summary>
    public static string? WithoutBidiControls(string? text)
    {
        if (text is null || !text.Any(IsBidiControl))
            return text;
        return string.Concat(text.Where(c => !IsBidiControl(c)));
    }
}
