using MediVault.Application.Common.Abstractions;
using MediVault.Domain.Identity;
using MediVault.Infrastructure.Identity;
using MediVault.UnitTests.TestSupport;
using Microsoft.Extensions.Caching.Memory;

namespace MediVault.UnitTests.Infrastructure.Identity;

/// <summary>The directory's lookup by id, a compiled query with one per model.</summary>
public sealed class UserDirectoryTests : IAsyncLifetime
{
    private static readonly DateTime Created = new(2026, 12, 1, 9, 0, 0, DateTimeKind.Utc);
    private readonly ApplicationUser _doctor = new()
    {
        Id = Guid.CreateVersion7(), UserName = "dana@example.com", Email = "dana@example.com", FullName = "Dr. Dana",
        AccountType = AccountType.Doctor, LicenseNumber = "GMC-1", Specialty = "Cardiology", CreatedAt = Created,
    };
    private SqliteTestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await SqliteTestDatabase.CreateAsync();
        await _database.StoreAsync(_doctor);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task FindByIdAsync_ContextsWithDifferentModels_EachFindTheUser()
    {
        // A compiled query refuses a model other than its first; the SQLite and PostgreSQL hosts of `migrate` and of the
        // integration tests run in one process.
        await using var first = _database.NewContext();
        await using var second = _database.NewContextWithItsOwnModel();
        using var cache = new MemoryCache(new MemoryCacheOptions());

        var inFirst = await new UserDirectory(first, cache).FindByIdAsync(_doctor.Id, CancellationToken.None);
        var inSecond = await new UserDirectory(second, cache).FindByIdAsync(_doctor.Id, CancellationToken.None);

        var expected = new UserInfo(_doctor.Id, "dana@example.com", "Dr. Dana", AccountType.Doctor, "GMC-1", "Cardiology", Created);
        inFirst.Should().Be(expected);
        inSecond.Should().Be(expected);
    }

    [Fact]
    public async Task FindByIdAsync_AnUnknownId_IsNull()
    {
        await using var db = _database.NewContext();
        using var cache = new MemoryCache(new MemoryCacheOptions());

        (await new UserDirectory(db, cache).FindByIdAsync(Guid.CreateVersion7(), CancellationToken.None)).Should().BeNull();
    }
}
