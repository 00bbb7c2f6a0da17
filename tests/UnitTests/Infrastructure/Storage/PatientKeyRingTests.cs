using System.Data;
using System.Security.Cryptography;
using MediVault.Infrastructure.Persistence;
using MediVault.Infrastructure.Storage;
using MediVault.UnitTests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

using static MediVault.UnitTests.TestSupport.OnePatientsKeys;

namespace MediVault.UnitTests.Infrastructure.Storage;

/// <summary>
/// A patient's data key against the real table: made on first need, read with plain commands on the context's own
/// connection and transaction, remembered by a context for one lease from the pool, forgotten when destroyed
/// (docs/storage.md, "Medical text").
/// </summary>
public sealed class PatientKeyRingTests : IAsyncLifetime
{
    private OnePatientsKeys _one = null!;

    public async Task InitializeAsync() => _one = await OnePatientsKeys.CreateAsync();

    public async Task DisposeAsync() => await _one.DisposeAsync();

    /// <summary>Deletes the key's row behind the back of every context (no <see cref="PatientKeyRing.Forget"/>).</summary>
    private async Task DeleteKeyRow()
    {
        await using var db = _one.Database.NewContext();
        await db.Set<PatientDataKey>().Where(k => k.PatientId == _one.Patient).ExecuteDeleteAsync();
    }

    [Fact]
    public async Task Seal_FirstTextOfAPatient_MakesOneKeyThatAnotherContextOpens()
    {
        var first = _one.Seal("Penicillin");
        var second = _one.Seal("Asthma");

        await using var db = _one.Database.NewContext();
        Keys(db).Open(db, _one.Patient, first, Table, Row).Should().Be("Penicillin");
        Keys(db).Open(db, _one.Patient, second, Table, Row).Should().Be("Asthma");
        (await _one.KeyRowsAsync()).Should().Be(1, "the second seal uses the key the first one made");
    }

    [Fact]
    public void Open_PatientWithoutAKey_ThrowsCryptographicException()
    {
        var sealedValue = SealedText.Seal(RandomNumberGenerator.GetBytes(32), "Penicillin", Table, Row);
        using var db = _one.Database.NewContext();

        var act = () => Keys(db).Open(db, _one.Patient, sealedValue, Table, Row);

        act.Should().Throw<CryptographicException>();
    }

    [Fact]
    public void Seal_PatientWhoHasAKey_WritesNothing()
    {
        _one.Seal("Penicillin");
        using var db = _one.Database.NewContext();
        db.Database.OpenConnection();
        db.Database.ExecuteSqlRaw("PRAGMA query_only = ON;");

        var sealedValue = Keys(db).Seal(db, _one.Patient, "Asthma", Table, Row);

        Keys(db).Open(db, _one.Patient, sealedValue, Table, Row).Should().Be("Asthma");
    }

    [Fact]
    public async Task Seal_InsideATransactionThatRollsBack_LeavesNoKey()
    {
        await using (var db = _one.Database.NewContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var sealedValue = Keys(db).Seal(db, _one.Patient, "Penicillin", Table, Row);
            Keys(db).Open(db, _one.Patient, sealedValue, Table, Row).Should().Be("Penicillin");
            db.Database.GetDbConnection().State.Should().Be(ConnectionState.Open, "the transaction still holds the connection");
            await transaction.RollbackAsync();
        }

        (await _one.KeyRowsAsync()).Should().Be(0);
    }

    [Fact]
    public void Seal_ContextWithAClosedConnection_ClosesItAgain()
    {
        using var db = _one.Database.NewContext();

        Keys(db).Seal(db, _one.Patient, "Penicillin", Table, Row);

        db.Database.GetDbConnection().State.Should().Be(ConnectionState.Closed);
    }

    [Fact]
    public async Task Open_KeyRowDeletedAfterTheContextReadIt_StillOpensFromWhatTheContextRemembers()
    {
        var sealedValue = _one.Seal("Penicillin");
        await using var db = _one.Database.NewContext();
        Keys(db).Open(db, _one.Patient, sealedValue, Table, Row);

        await DeleteKeyRow();

        Keys(db).Open(db, _one.Patient, sealedValue, Table, Row).Should().Be("Penicillin");
    }

    [Fact]
    public async Task Forget_AfterTheKeyRowIsDeleted_OpeningInTheSameContextFails()
    {
        var sealedValue = _one.Seal("Penicillin");
        await using var db = _one.Database.NewContext();
        Keys(db).Open(db, _one.Patient, sealedValue, Table, Row);
        await DeleteKeyRow();

        Keys(db).Forget(db, _one.Patient);

        FluentActions.Invoking(() => Keys(db).Open(db, _one.Patient, sealedValue, Table, Row)).Should().Throw<CryptographicException>();
    }

    [Fact]
    public async Task Open_PooledContextOnItsNextLease_ReadsTheKeyAgain()
    {
        var sealedValue = _one.Seal("Penicillin");
        var pool = _one.Database.NewPool();
        AppDbContext firstLease;
        await using (var db = pool.CreateDbContext())
        {
            Keys(db).Open(db, _one.Patient, sealedValue, Table, Row);
            firstLease = db;
        }
        await DeleteKeyRow();

        await using var next = pool.CreateDbContext();

        next.Should().BeSameAs(firstLease, "the pool hands the same context out again");
        FluentActions.Invoking(() => Keys(next).Open(next, _one.Patient, sealedValue, Table, Row)).Should().Throw<CryptographicException>();
    }
}
