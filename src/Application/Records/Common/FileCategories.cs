using System.Text.Json;
using MediVault.Domain.Records;

namespace MediVault.Application.Records.Common;

/// <summary>The contract's category names (<c>lab-report</c>, …) and their enum values.</summary>
public static class FileCategories
{
    private static readonly Dictionary<string, FileCategory> ByName = Enum.GetValues<FileCategory>()
        .ToDictionary(c => JsonNamingPolicy.KebabCaseLower.ConvertName(c.ToString()), StringComparer.Ordinal);

    public static IEnumerable<string> Names => ByName.Keys;

    public static bool TryParse(string? name, out FileCategory category) =>
        ByName.TryGetValue(name ?? "", out category);

    public static string NameOf(FileCategory category) => JsonNamingPolicy.KebabCaseLower.ConvertName(category.ToString());

    public static string Message => $"Must be one of: {string.Join(", ", ByName.Keys)}.";
}
