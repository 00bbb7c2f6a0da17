using MediVault.Application.Common.Abstractions;
using MediVault.Domain.Identity;
using MediVault.Infrastructure.Identity;
using MediVault.UnitTests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace MediVault.UnitTests.Infrastructure.Identity;

/// <summary>The directory's lookups: by id (a compiled query, one per model), by email, and names for many ids (remembered).</summary>
public sealed class UserDirectoryTests : IAsyncLifetime
{
    private static readonly DateTime Created = new(2026, 12, 1, 9, 0, 0, DateTimeKind.Utc);
    private readonly ApplicationUser _doctor = new()
    {
        Id = Guid.CreateVersion7(),
        UserName = "dana@example.com",
        Email = "dana@example.com",
        NormalizedEmail = "DANA@EXAMPLE.COM",
        FullName = "Dr. Dana",
        AccountType = AccountType.Doctor,
        LicenseNumber = "GMC-1",
        Specialty = "Cardiology",
        CreatedAt = Created,
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

    [Fact]
    public async Task FindByEmailAsync_IgnoresCaseAndSurroundingSpaces()
    {
        await using var db = _database.NewContext();
        using var cache = new MemoryCache(new MemoryCacheOptions());
        var directory = new UserDirectory(db, cache);

        (await directory.FindByEmailAsync("  Dana@Example.COM ", CancellationToken.None))!.Id.Should().Be(_doctor.Id);
        (await directory.FindByEmailAsync("sam@example.com", CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task FindManyAsync_ReadsEachUserOnceUntilForgotten()
    {
        using var cache = new MemoryCache(new MemoryCacheOptions());
        var unknown = Guid.CreateVersion7();
        await using (var db = _database.NewContext())
        {
            var found = await new UserDirectory(db, cache).FindManyAsync([_doctor.Id, unknown, _doctor.Id], CancellationToken.None);
            found.Should().ContainSingle().Which.Value.FullName.Should().Be("Dr. Dana");
        }
        await Rename("Dr. Dana Reyes");

        await using (var db = _database.NewContext())
            (await new UserDirectory(db, cache).FindManyAsync([_doctor.Id], CancellationToken.None))[_doctor.Id].FullName
                .Should().Be("Dr. Dana", "a name is served from memory for its lifetime");

        UserDirectory.Forget(cache, _doctor.Id);
        await using (var db = _database.NewContext())
            (await new UserDirectory(db, cache).FindManyAsync([_doctor.Id], CancellationToken.None))[_doctor.Id].FullName
                .Should().Be("Dr. Dana Reyes");
    }

    private async Task Rename(string fullName)
    {
        await using var db = _database.NewContext();
        var user = await db.Users.SingleAsync(u => u.Id == _doctor.Id);
        user.FullName = fullName;
        await db.SaveChangesAsync();
    }
}
