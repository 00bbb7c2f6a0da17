using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Common.Paging;

/// <summary>One page of a list: <c>{ items, page, pageSize, totalCount }</c>.</summary>
public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, int TotalCount);

public static class PageExtensions
{
    public const int MaxPageSize = 100;

    /// <summary>
    /// Pages in the database and never loads the whole list. One row past the page is read: when it is not there, the
    /// page is the last one and the total follows from it, so the count query runs only when more rows follow (or when
    /// a page past the end comes back empty).
    /// </summary>
    public static Task<Paged<T>> ToPageAsync<T>(this IQueryable<T> query, int page, int pageSize, CancellationToken ct) =>
        PageAsync((skip, take) => query.Skip(skip).Take(take).ToListAsync(ct), () => query.CountAsync(ct), page, pageSize);

    /// <summary>
    /// The same paging over a source that is not a LINQ query (a compiled one): <paramref name="rows"/> reads the rows
    /// from an offset, at most a number of them; <paramref name="count"/> counts them all.
    /// </summary>
    public static async Task<Paged<T>> PageAsync<T>(Func<int, int, Task<List<T>>> rows, Func<Task<int>> count, int page, int pageSize)
    {
        var skipped = (page - 1) * pageSize;
        var items = await rows(skipped, pageSize + 1);
        if (IsLastPage(items.Count, page, pageSize))
            return new Paged<T>(items, page, pageSize, skipped + items.Count);
        if (items.Count > pageSize)
            items.RemoveAt(pageSize);
        return new Paged<T>(items, page, pageSize, await count());
    }

    /// <summary>The rows read end within the page, and the page is not an empty one past the end.</summary>
    private static bool IsLastPage(int rowsRead, int page, int pageSize) => rowsRead <= pageSize && (rowsRead > 0 || page == 1);

    /// <summary>The contract's paging rules: page ≥ 1, pageSize 1..100.</summary>
    public static void AddPagingRules<T>(this AbstractValidator<T> validator, Func<T, int> page, Func<T, int> pageSize)
    {
        validator.RuleFor(x => page(x)).GreaterThanOrEqualTo(1).OverridePropertyName("page")
            .WithMessage("page must be 1 or more.");
        validator.RuleFor(x => pageSize(x)).InclusiveBetween(1, MaxPageSize).OverridePropertyName("pageSize")
            .WithMessage($"pageSize must be between 1 and {MaxPageSize}.");
    }
}
