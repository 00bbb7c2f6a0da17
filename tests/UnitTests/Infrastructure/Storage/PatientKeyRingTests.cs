using System.Data;
using System.Security.Cryptography;
using MediVault.Infrastructure.Persistence;
using MediVault.Infrastructure.Storage;
using MediVault.UnitTests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace MediVault.UnitTests.Infrastructure.Storage;

/// <summary>
/// A patient's data key against the real table: made on first need, read with plain commands on the context's own
/// connection and transaction, remembered by a context for one lease from the pool, forgotten when destroyed
/// (docs/storage.md, "Medical text").
/// </summary>
public sealed class PatientKeyRingTests : IAsyncLifetime
{
    private const string Table = "MedicalFiles";
    private static readonly Guid Row = Guid.CreateVersion7();
    private readonly Guid _patient = Guid.CreateVersion7();
    private SqliteTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await SqliteTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private static PatientKeyRing Keys(AppDbContext db) => db.GetService<PatientKeyRing>();

    private byte[] Seal(string text)
    {
        using var db = _database.NewContext();
        return Keys(db).Seal(db, _patient, text, Table, Row);
    }

    private async Task<long> KeyRows()
    {
        await using var db = _database.NewContext();
        return await db.Set<PatientDataKey>().LongCountAsync(k => k.PatientId == _patient);
    }

    /// <summary>Deletes the key's row behind the back of every context (no <see cref="PatientKeyRing.Forget"/>).</summary>
    private async Task DeleteKeyRow()
    {
        await using var db = _database.NewContext();
        await db.Set<PatientDataKey>().Where(k => k.PatientId == _patient).ExecuteDeleteAsync();
    }

    [Fact]
    public async Task Seal_FirstTextOfAPatient_MakesOneKeyThatAnotherContextOpens()
    {
        var first = Seal("Penicillin");
        var second = Seal("Asthma");

        await using var db = _database.NewContext();
        Keys(db).Open(db, _patient, first, Table, Row).Should().Be("Penicillin");
        Keys(db).Open(db, _patient, second, Table, Row).Should().Be("Asthma");
        (await KeyRows()).Should().Be(1, "the second seal uses the key the first one made");
    }

    [Fact]
    public void Open_PatientWithoutAKey_ThrowsCryptographicException()
    {
        var sealedValue = SealedText.Seal(RandomNumberGenerator.GetBytes(32), "Penicillin", Table, Row);
        using var db = _database.NewContext();

        var act = () => Keys(db).Open(db, _patient, sealedValue, Table, Row);

        act.Should().Throw<CryptographicException>();
    }

    [Fact]
    public void Seal_PatientWhoHasAKey_WritesNothing()
    {
        Seal("Penicillin");
        using var db = _database.NewContext();
        db.Database.OpenConnection();
        db.Database.ExecuteSqlRaw("PRAGMA query_only = ON;");

        var sealedValue = Keys(db).Seal(db, _patient, "Asthma", Table, Row);

        Keys(db).Open(db, _patient, sealedValue, Table, Row).Should().Be("Asthma");
    }

    [Fact]
    public async Task Seal_InsideATransactionThatRollsBack_LeavesNoKey()
    {
        await using (var db = _database.NewContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var sealedValue = Keys(db).Seal(db, _patient, "Penicillin", Table, Row);
            Keys(db).Open(db, _patient, sealedValue, Table, Row).Should().Be("Penicillin");
            db.Database.GetDbConnection().State.Should().Be(ConnectionState.Open, "the transaction still holds the connection");
            await transaction.RollbackAsync();
        }

        (await KeyRows()).Should().Be(0);
    }

    [Fact]
    public void Seal_ContextWithAClosedConnection_ClosesItAgain()
    {
        using var db = _database.NewContext();

        Keys(db).Seal(db, _patient, "Penicillin", Table, Row);

        db.Database.GetDbConnection().State.Should().Be(ConnectionState.Closed);
    }

    [Fact]
    public async Task Open_KeyRowDeletedAfterTheContextReadIt_StillOpensFromWhatTheContextRemembers()
    {
        var sealedValue = Seal("Penicillin");
        await using var db = _database.NewContext();
        Keys(db).Open(db, _patient, sealedValue, Table, Row);

        await DeleteKeyRow();

        Keys(db).Open(db, _patient, sealedValue, Table, Row).Should().Be("Penicillin");
    }

    [Fact]
    public async Task Forget_AfterTheKeyRowIsDeleted_OpeningInTheSameContextFails()
    {
        var sealedValue = Seal("Penicillin");
        await using var db = _database.NewContext();
        Keys(db).Open(db, _patient, sealedValue, Table, Row);
        await DeleteKeyRow();

        Keys(db).Forget(db, _patient);

        FluentActions.Invoking(() => Keys(db).Open(db, _patient, sealedValue, Table, Row)).Should().Throw<CryptographicException>();
    }

    [Fact]
    public async Task Open_PooledContextOnItsNextLease_ReadsTheKeyAgain()
    {
        var sealedValue = Seal("Penicillin");
        var pool = _database.NewPool();
        AppDbContext firstLease;
        await using (var db = pool.CreateDbContext())
        {
            Keys(db).Open(db, _patient, sealedValue, Table, Row);
            firstLease = db;
        }
        await DeleteKeyRow();

        await using var next = pool.CreateDbContext();

        next.Should().BeSameAs(firstLease, "the pool hands the same context out again");
        FluentActions.Invoking(() => Keys(next).Open(next, _patient, sealedValue, Table, Row)).Should().Throw<CryptographicException>();
    }
}
