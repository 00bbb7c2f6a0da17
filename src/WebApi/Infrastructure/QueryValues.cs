using MediVault.Application.Common.Exceptions;

namespace MediVault.WebApi.Infrastructure;

/// <summary>Reads numeric query values so that garbage is a 400 naming the field, not a bare binding failure.</summary>
internal static class QueryValues
{
    public static long Long(HttpContext context, string name, long fallback)
    {
        var raw = context.Request.Query[name].ToString();
        if (raw.Length == 0)
            return fallback;
        return long.TryParse(raw, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ValidationFailedException(name, $"{name} must be a whole number.");
    }

    public static int Int(HttpContext context, string name, int fallback)
    {
        var value = Long(context, name, fallback);
        return value is >= int.MinValue and <= int.MaxValue ? (int)value : throw new ValidationFailedException(name, $"{name} is out of range.");
    }
}

/// <summary><c>?page=&amp;pageSize=</c> with the contract's defaults (1, 20); the use case's validator checks the ranges.</summary>
public readonly record struct PageQuery(int Page, int PageSize)
{
    public static ValueTask<PageQuery> BindAsync(HttpContext context) =>
        ValueTask.FromResult(new PageQuery(QueryValues.Int(context, "page", 1), QueryValues.Int(context, "pageSize", 20)));
}
