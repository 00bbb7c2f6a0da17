using System.Text.Json;
using MediVault.Domain.Records;

namespace MediVault.Application.Records.Common;

/// <summary>The contract's category names (<c>lab-report</c>, …) and their enum values.</summary>
public static class FileCategories
{
    private static readonly FileCategory[] Categories = Enum.GetValues<FileCategory>();

    // Made once: the dashboard names every category on every request.
    private static readonly Dictionary<FileCategory, string> NameByCategory =
        Categories.ToDictionary(c => c, c => JsonNamingPolicy.KebabCaseLower.ConvertName(c.ToString()));

    private static readonly Dictionary<string, FileCategory> ByName =
        Categories.ToDictionary(c => NameByCategory[c], StringComparer.Ordinal);

    /// <summary>Every category, in the enum's order.</summary>
    public static IReadOnlyList<FileCategory> All => Categories;

    public static IEnumerable<string> Names => ByName.Keys;

    public static bool TryParse(string? name, out FileCategory category) =>
        ByName.TryGetValue(name ?? "", out category);

    /// <summary>The contract's kebab-case name, as the JSON enum converter writes it: <c>LabReport</c> → <c>lab-report</c>.</summary>
    public static string NameOf(FileCategory category) => NameByCategory[category];

    public static string Message => $"Must be one of: {string.Join(", ", ByName.Keys)}.";
}
