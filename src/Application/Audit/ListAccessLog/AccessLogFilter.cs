using System.Globalization;
using System.Text.Json;
using MediVault.Domain.Audit;

namespace MediVault.Application.Audit.ListAccessLog;

/// <summary>
/// Which entries of a log to read: by action, by the actor's role, by outcome and by a range of UTC calendar days
/// (both ends included). Values travel as the contract writes them (<c>file-downloaded</c>, <c>doctor</c>,
/// <c>denied</c>, <c>2026-12-01</c>); a null or empty value does not filter.
/// </summary>
public sealed record AccessLogFilter(string? Action, string? ActorRole, string? Outcome, string? From, string? To)
{
    public static AccessLogFilter None { get; } = new(null, null, null, null, null);

    internal IQueryable<AccessLogEntry> Apply(IQueryable<AccessLogEntry> entries)
    {
        if (KebabNames<AccessAction>.TryParse(Action, out var action))
            entries = entries.Where(e => e.Action == action);
        if (KebabNames<Domain.Audit.ActorRole>.TryParse(ActorRole, out var role))
            entries = entries.Where(e => e.ActorRole == role);
        if (KebabNames<AccessOutcome>.TryParse(Outcome, out var outcome))
            entries = entries.Where(e => e.Outcome == outcome);
        if (TryParseDay(From, out var from))
        {
            var start = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            entries = entries.Where(e => e.Timestamp >= start);
        }
        if (TryParseDay(To, out var to))
        {
            var end = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            entries = entries.Where(e => e.Timestamp < end);
        }
        return entries;
    }

    internal static bool TryParseDay(string? value, out DateOnly day) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
}

/// <summary>An enumeration's contract names (<c>FileDownloaded</c> ↔ <c>file-downloaded</c>).</summary>
internal static class KebabNames<TEnum> where TEnum : struct, Enum
{
    private static readonly Dictionary<string, TEnum> ByName = Enum.GetValues<TEnum>()
        .ToDictionary(v => JsonNamingPolicy.KebabCaseLower.ConvertName(v.ToString()), StringComparer.Ordinal);

    public static bool TryParse(string? name, out TEnum value) => ByName.TryGetValue(name ?? "", out value);

    public static string OneOf => $"Must be one of: {string.Join(", ", ByName.Keys)}.";
}
