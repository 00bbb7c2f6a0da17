using System.Security.Cryptography;
using MediVault.Infrastructure.Storage;
using MediVault.UnitTests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

using static MediVault.UnitTests.TestSupport.OnePatientsKeys;

namespace MediVault.UnitTests.Infrastructure.Storage;

/// <summary>Crypto-erasure of a patient's medical text: destroying the data key (docs/storage.md, "Medical text").</summary>
public sealed class PatientDataKeysTests : IAsyncLifetime
{
    private OnePatientsKeys _one = null!;

    public async Task InitializeAsync() => _one = await OnePatientsKeys.CreateAsync();

    public async Task DisposeAsync() => await _one.DisposeAsync();

    [Fact]
    public async Task Destroy_PatientWithAKey_DeletesItAndTheSameContextCanNoLongerOpen()
    {
        await using var db = _one.Database.NewContext();
        var keys = Keys(db);
        var sealedValue = keys.Seal(db, _one.Patient, "Penicillin", Table, Row);
        keys.Open(db, _one.Patient, sealedValue, Table, Row).Should().Be("Penicillin", "the context now remembers the key");

        var destroyed = await new PatientDataKeys(db, keys).DestroyAsync(_one.Patient, CancellationToken.None);

        destroyed.Should().BeTrue();
        (await db.Set<PatientDataKey>().AnyAsync(k => k.PatientId == _one.Patient)).Should().BeFalse();
        FluentActions.Invoking(() => keys.Open(db, _one.Patient, sealedValue, Table, Row)).Should().Throw<CryptographicException>();
    }

    [Fact]
    public async Task Destroy_PatientWithoutAKey_SaysNothingWasDestroyed()
    {
        await using var db = _one.Database.NewContext();

        var destroyed = await new PatientDataKeys(db, Keys(db)).DestroyAsync(_one.Patient, CancellationToken.None);

        destroyed.Should().BeFalse();
    }
}
