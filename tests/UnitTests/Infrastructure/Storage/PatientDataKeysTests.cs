using System.Security.Cryptography;
using MediVault.Infrastructure.Storage;
using MediVault.UnitTests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace MediVault.UnitTests.Infrastructure.Storage;

/// <summary>Crypto-erasure of a patient's medical text: destroying the data key (docs/storage.md, "Medical text").</summary>
public sealed class PatientDataKeysTests : IAsyncLifetime
{
    private const string Table = "MedicalFiles";
    private static readonly Guid Row = Guid.CreateVersion7();
    private readonly Guid _patient = Guid.CreateVersion7();
    private SqliteTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await SqliteTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Destroy_PatientWithAKey_DeletesItAndTheSameContextCanNoLongerOpen()
    {
        await using var db = _database.NewContext();
        var keys = db.GetService<PatientKeyRing>();
        var sealedValue = keys.Seal(db, _patient, "Penicillin", Table, Row);
        keys.Open(db, _patient, sealedValue, Table, Row).Should().Be("Penicillin", "the context now remembers the key");

        var destroyed = await new PatientDataKeys(db, keys).DestroyAsync(_patient, CancellationToken.None);

        destroyed.Should().BeTrue();
        (await db.Set<PatientDataKey>().AnyAsync(k => k.PatientId == _patient)).Should().BeFalse();
        FluentActions.Invoking(() => keys.Open(db, _patient, sealedValue, Table, Row)).Should().Throw<CryptographicException>();
    }

    [Fact]
    public async Task Destroy_PatientWithoutAKey_SaysNothingWasDestroyed()
    {
        await using var db = _database.NewContext();

        var destroyed = await new PatientDataKeys(db, db.GetService<PatientKeyRing>()).DestroyAsync(_patient, CancellationToken.None);

        destroyed.Should().BeFalse();
    }
}
