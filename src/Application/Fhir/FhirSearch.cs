using System.Globalization;
using System.Linq.Expressions;
using MediVault.Application.Common.Exceptions;
using MediVault.Domain.Records;

namespace MediVault.Application.Fhir;

/// <summary>
/// A search's parameters, checked once: the patient (required), the optional <c>category</c> and <c>date</c> filters
/// the resource type supports, and paging (<c>_count</c>, <c>_page</c>). Anything else is refused with a message
/// naming it (400 OperationOutcome).
/// </summary>
public sealed record FhirSearch(string ResourceType, Guid PatientId, FileCategory? Category, IReadOnlyList<FhirDateFilter> Dates, int Count, int Page)
{
    public const int DefaultCount = 20;
    public const int MaxCount = 100;

    /// <summary>The parameters each searchable type accepts besides <c>_count</c> and <c>_page</c>.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Supported = new Dictionary<string, string[]>
    {
        ["DocumentReference"] = ["patient", "category", "date"],
        ["AuditEvent"] = ["patient", "date"],
        ["AllergyIntolerance"] = ["patient"],
        ["Condition"] = ["patient"],
        ["MedicationStatement"] = ["patient"],
    };

    public static FhirSearch Parse(string resourceType, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        if (!Supported.TryGetValue(resourceType, out var allowed))
            throw new BadRequestException($"Searching {resourceType} is not supported. Searchable: {string.Join(", ", Supported.Keys)}.");

        Guid? patient = null;
        FileCategory? category = null;
        List<FhirDateFilter> dates = [];
        int count = DefaultCount, page = 1;
        foreach (var (name, value) in parameters)
        {
            switch (name)
            {
                case "_count":
                    count = Number(name, value, 1, MaxCount);
                    break;
                case "_page":
                    page = Number(name, value, 1, 1_000_000);
                    break;
                case "patient" when allowed.Contains(name):
                    patient = Once(name, patient, ParsePatient(value));
                    break;
                case "category" when allowed.Contains(name):
                    category = Once(name, category, DocumentCategories.TryParseToken(value, out var parsed)
                        ? parsed
                        : throw new BadRequestException($"category '{value}' is not a known category. Use one of: {string.Join(", ", Records.Common.FileCategories.Names)}."));
                    break;
                case "date" when allowed.Contains(name):
                    dates.Add(FhirDateFilter.Parse(value));
                    break;
                default:
                    throw new BadRequestException(
                        $"The search parameter '{name}' is not supported for {resourceType}. Supported: {string.Join(", ", [.. allowed, "_count", "_page"])}.");
            }
        }
        if (patient is null)
            throw new BadRequestException($"Searching {resourceType} needs the patient parameter (patient={{id}} or patient=Patient/{{id}}).");
        return new FhirSearch(resourceType, patient.Value, category, dates, count, page);
    }

    private static T Once<T>(string name, T? current, T value) where T : struct =>
        current is null ? value : throw new BadRequestException($"The parameter '{name}' may be given only once.");

    private static Guid ParsePatient(string value)
    {
        var id = value.StartsWith("Patient/", StringComparison.Ordinal) ? value["Patient/".Length..] : value;
        return Guid.TryParseExact(id, "D", out var patientId)
            ? patientId
            : throw new BadRequestException($"patient '{value}' is not a patient id (a UUID, or Patient/{{UUID}}).");
    }

    private static int Number(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : throw new BadRequestException($"{name} must be a whole number from {min} to {max}.");
}

/// <summary>A FHIR <c>date</c> search value (<c>ge2026-01-01</c>, <c>2026-03</c>, <c>lt2026-05-01T10:00:00Z</c>) as a test on UTC instants.</summary>
public sealed record FhirDateFilter(string Text, string Prefix, DateTime Start, DateTime End)
{
    private static readonly string[] Prefixes = ["eq", "ne", "ge", "gt", "le", "lt"];

    public static FhirDateFilter Parse(string value)
    {
        var prefix = value.Length > 2 && Prefixes.Contains(value[..2]) ? value[..2] : "eq";
        var text = value.Length > 2 && Prefixes.Contains(value[..2]) ? value[2..] : value;
        var (start, end) = Range(text) ?? throw new BadRequestException(
            $"date '{value}' is not a FHIR date: an optional prefix (eq, ne, ge, gt, le, lt) and YYYY, YYYY-MM, YYYY-MM-DD or a date-time with a time zone.");
        return new FhirDateFilter(value, prefix, start, end);
    }

    /// <summary>Whether an instant passes, taking the value as the range it names (a day, a month, …).</summary>
    public bool Matches(DateTime instant) => Prefix switch
    {
        "ge" => instant >= Start,
        "gt" => instant >= End,
        "le" => instant < End,
        "lt" => instant < Start,
        "ne" => instant < Start || instant >= End,
        _ => instant >= Start && instant < End,
    };

    /// <summary>The same test as <see cref="Matches"/>, as an expression the database runs on <paramref name="at"/>.</summary>
    public Expression<Func<T, bool>> ToPredicate<T>(Expression<Func<T, DateTime>> at)
    {
        var instant = at.Body;
        Expression start = Expression.Constant(Start), end = Expression.Constant(End);
        var body = Prefix switch
        {
            "ge" => Expression.GreaterThanOrEqual(instant, start),
            "gt" => Expression.GreaterThanOrEqual(instant, end),
            "le" => Expression.LessThan(instant, end),
            "lt" => Expression.LessThan(instant, start),
            "ne" => Expression.OrElse(Expression.LessThan(instant, start), Expression.GreaterThanOrEqual(instant, end)),
            _ => Expression.AndAlso(Expression.GreaterThanOrEqual(instant, start), Expression.LessThan(instant, end)),
        };
        return Expression.Lambda<Func<T, bool>>(body, at.Parameters);
    }

    // Seconds, then none or 1 to 7 digits of a fraction (FHIR allows 9; .NET reads 7), then Z or an offset.
    private static readonly string[] DateTimeFormats =
        [.. Enumerable.Range(0, 8).Select(digits => "yyyy-MM-dd'T'HH:mm:ss" + (digits == 0 ? "" : "." + new string('f', digits)) + "K")];

    private static (DateTime Start, DateTime End)? Range(string text)
    {
        var culture = CultureInfo.InvariantCulture;
        const DateTimeStyles utc = DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal;
        if (text.Length == 4 && DateTime.TryParseExact(text, "yyyy", culture, utc, out var year))
            return (year, year.AddYears(1));
        if (text.Length == 7 && DateTime.TryParseExact(text, "yyyy-MM", culture, utc, out var month))
            return (month, month.AddMonths(1));
        if (text.Length == 10 && DateTime.TryParseExact(text, "yyyy-MM-dd", culture, utc, out var day))
            return (day, day.AddDays(1));
        // A FHIR dateTime with a time has seconds and a zone: YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm).
        if (text.Length > 10 && (text.EndsWith('Z') || text[^6] is '+' or '-')
            && DateTimeOffset.TryParseExact(text, DateTimeFormats, culture, DateTimeStyles.None, out var instant))
        {
            var at = instant.UtcDateTime;
            return (at, at.AddTicks(TicksOfTheLastDigit(text)));
        }
        return null;
    }

    /// <summary>
    /// How long the last written digit of a date-time spans: a second without a fraction, else a tenth, hundredth, …
    /// of one, so <c>10:00:00.250Z</c> names one millisecond (FHIR: the precision of a value implies its range).
    /// </summary>
    private static long TicksOfTheLastDigit(string dateTime)
    {
        var point = dateTime.IndexOf('.', StringComparison.Ordinal);
        if (point < 0)
            return TimeSpan.TicksPerSecond;
        var digits = dateTime.AsSpan(point + 1).IndexOfAnyExceptInRange('0', '9');
        var ticks = TimeSpan.TicksPerSecond;
        for (var i = 0; i < digits; i++)
            ticks /= 10;
        return ticks;
    }
}
