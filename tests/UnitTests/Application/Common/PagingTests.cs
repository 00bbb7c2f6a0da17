using MediVault.Application.Common.Paging;
using MediVault.Domain.Sharing;
using MediVault.UnitTests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace MediVault.UnitTests.Application.Common;

/// <summary>
/// <see cref="PageExtensions.ToPageAsync"/> against a real table: the page, its total, and the count query it saves when
/// the rows read show that the page is the last one.
/// </summary>
public sealed class PagingTests : IAsyncLifetime
{
    private static readonly DateTime Now = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);
    private static readonly Guid Patient = Guid.CreateVersion7();
    private SqliteTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await SqliteTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private async Task SaveGrants(int count)
    {
        await using var db = _database.NewContext();
        for (var i = 0; i < count; i++)
            db.AccessGrants.Add(AccessGrant.Create(Patient, Guid.CreateVersion7(), Now.AddMinutes(i), null));
        await db.SaveChangesAsync();
    }

    /// <summary>The page, and how many count queries it took.</summary>
    private async Task<(Paged<DateTime> Page, int CountQueries)> Page(int page, int pageSize)
    {
        var log = new CommandLog();
        await using var db = _database.NewContext(log);
        var paged = await db.AccessGrants.OrderBy(g => g.GrantedAt).Select(g => g.GrantedAt).ToPageAsync(page, pageSize, CancellationToken.None);
        return (paged, log.Sent.Count(sql => sql.Contains("COUNT(", StringComparison.OrdinalIgnoreCase)));
    }

    [Theory]
    [InlineData(0, 1, 0)] // an empty list: its first page
    [InlineData(5, 1, 5)] // a short first page
    [InlineData(10, 1, 10)] // a first page exactly full, and the last
    [InlineData(15, 2, 5)] // a short later page
    [InlineData(20, 2, 10)] // a later page exactly full, and the last
    public async Task ToPageAsync_TheLastPage_TakesItsTotalFromTheRowsRead_WithoutACountQuery(int rows, int page, int onPage)
    {
        await SaveGrants(rows);

        var (paged, countQueries) = await Page(page, pageSize: 10);

        paged.Should().BeEquivalentTo(new { Page = page, PageSize = 10, TotalCount = rows });
        paged.Items.Should().HaveCount(onPage);
        countQueries.Should().Be(0);
    }

    [Fact]
    public async Task ToPageAsync_MoreRowsFollow_GivesAFullPageAndCountsTheTotal()
    {
        await SaveGrants(11);

        var (paged, countQueries) = await Page(1, pageSize: 10);

        paged.Items.Should().Equal(Enumerable.Range(0, 10).Select(i => Now.AddMinutes(i)));
        paged.TotalCount.Should().Be(11);
        countQueries.Should().Be(1);
    }

    [Fact]
    public async Task ToPageAsync_APagePastTheEnd_IsEmpty_AndCountsTheRealTotal()
    {
        await SaveGrants(5);

        var (paged, countQueries) = await Page(3, pageSize: 10);

        paged.Items.Should().BeEmpty();
        paged.TotalCount.Should().Be(5, "the total is the list's, not the rows skipped");
        countQueries.Should().Be(1);
    }
}
