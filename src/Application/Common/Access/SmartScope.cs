using System.Diagnostics.CodeAnalysis;

namespace MediVault.Application.Common.Access;

/// <summary>Whose data a SMART scope reaches: the launch patient's, whatever the user may see, or the client's own (backend).</summary>
public enum SmartContext
{
    Patient,
    User,
    System,
}

/// <summary>The SMART v2 permissions MediVault serves: it is read-only, so only <c>r</c> (read) and <c>s</c> (search) mean anything.</summary>
[Flags]
public enum SmartPermissions
{
    None = 0,
    Read = 1,
    Search = 2,
}

/// <summary>
/// One SMART resource scope, parsed once: <c>patient/Condition.rs</c>, <c>user/*.rs</c>, <c>system/DocumentReference.r</c>.
/// v1 spellings (<c>.read</c>, <c>.*</c>) read as <c>rs</c>. Write permissions (<c>c</c>, <c>u</c>, <c>d</c>, <c>.write</c>) grant nothing here.
/// See https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html.
/// </summary>
public sealed record SmartScope(SmartContext Context, string ResourceType, SmartPermissions Permissions)
{
    public const string AnyResource = "*";

    /// <summary>Reads a resource scope; <c>openid</c>, <c>launch/patient</c>, <c>medivault.api</c> and anything malformed are not one.</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out SmartScope? scope)
    {
        scope = null;
        if (string.IsNullOrEmpty(value))
            return false;
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var dot = value.LastIndexOf('.');
        if (slash <= 0 || dot <= slash + 1 || dot == value.Length - 1)
            return false;
        SmartContext? context = value[..slash] switch
        {
            "patient" => SmartContext.Patient,
            "user" => SmartContext.User,
            "system" => SmartContext.System,
            _ => null,
        };
        var type = value[(slash + 1)..dot];
        if (context is null || !(type == AnyResource || IsResourceTypeName(type)))
            return false;
        if (ParsePermissions(value[(dot + 1)..]) is not { } permissions)
            return false;
        scope = new SmartScope(context.Value, type, permissions);
        return true;
    }

    /// <summary>The resource scopes among a token's scopes; the others are ignored.</summary>
    public static IReadOnlyList<SmartScope> ParseAll(IEnumerable<string> scopes) =>
        [.. scopes.Select(s => TryParse(s, out var scope) ? scope : null).OfType<SmartScope>()];

    /// <summary>Whether this scope lets its holder do <paramref name="needed"/> with resources of <paramref name="resourceType"/>.</summary>
    public bool Allows(string resourceType, SmartPermissions needed) =>
        (ResourceType == AnyResource || ResourceType == resourceType) && needed != SmartPermissions.None && (Permissions & needed) == needed;

    public override string ToString() =>
        $"{Context.ToString().ToLowerInvariant()}/{ResourceType}.{((Permissions & SmartPermissions.Read) != 0 ? "r" : "")}{((Permissions & SmartPermissions.Search) != 0 ? "s" : "")}";

    /// <summary>v2 <c>cruds</c> letters in that order (each at most once), or v1 <c>read</c>/<c>write</c>/<c>*</c>.</summary>
    private static SmartPermissions? ParsePermissions(string text)
    {
        switch (text)
        {
            case "read" or "*":
                return SmartPermissions.Read | SmartPermissions.Search;
            case "write":
                return SmartPermissions.None;
        }
        const string order = "cruds";
        var position = 0;
        var permissions = SmartPermissions.None;
        foreach (var letter in text)
        {
            var at = order.IndexOf(letter, position);
            if (at < 0)
                return null;
            position = at + 1;
            permissions |= letter switch
            {
                'r' => SmartPermissions.Read,
                's' => SmartPermissions.Search,
                _ => SmartPermissions.None,
            };
        }
        return permissions;
    }

    private static bool IsResourceTypeName(string type) =>
        type.Length is > 0 and <= 64 && char.IsAsciiLetterUpper(type[0]) && type.All(char.IsAsciiLetter);
}
