using MediVault.Infrastructure.Emergency;
using MediVault.UnitTests.TestSupport;

namespace MediVault.UnitTests.Infrastructure.Emergency;

/// <summary>The profile lookup, a compiled query with one per model. What it reads is tested through the handlers.</summary>
public sealed class CompiledEmergencyProfileLookupTests : IAsyncLifetime
{
    private static readonly DateTime SavedAt = new(2026, 12, 5, 8, 0, 0, DateTimeKind.Utc);
    private static readonly Guid Patient = Guid.CreateVersion7();
    private SqliteTestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await SqliteTestDatabase.CreateAsync();
        await _database.StoreAsync(SampleProfiles.Full(Patient, SavedAt));
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task FindAsync_ContextsWithDifferentModels_EachFindTheProfile()
    {
        // A compiled query refuses a model other than its first; the SQLite and PostgreSQL hosts of `migrate` and of the
        // integration tests run in one process.
        await using var first = _database.NewContext();
        await using var second = _database.NewContextWithItsOwnModel();

        var inFirst = await new CompiledEmergencyProfileLookup(first).FindAsync(Patient, CancellationToken.None);
        var inSecond = await new CompiledEmergencyProfileLookup(second).FindAsync(Patient, CancellationToken.None);

        inFirst!.ToCanonicalJson().Should().Be(SampleProfiles.Full(Patient, SavedAt).ToCanonicalJson());
        inSecond!.ToCanonicalJson().Should().Be(inFirst.ToCanonicalJson());
        (await new CompiledEmergencyProfileLookup(second).FindAsync(Guid.CreateVersion7(), CancellationToken.None)).Should().BeNull();
    }
}
