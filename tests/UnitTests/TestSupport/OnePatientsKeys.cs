using MediVault.Infrastructure.Persistence;
using MediVault.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace MediVault.UnitTests.TestSupport;

/// <summary>
/// One patient's medical text against a real migrated database: the setting shared by the tests of the patient's data
/// key (made, remembered, read, destroyed). Text is sealed as a row of <see cref="Table"/> would seal it.
/// </summary>
internal sealed class OnePatientsKeys : IAsyncDisposable
{
    public const string Table = "MedicalFiles";

    public static readonly Guid Row = Guid.CreateVersion7();

    private OnePatientsKeys(SqliteTestDatabase database) => Database = database;

    public SqliteTestDatabase Database { get; }

    public Guid Patient { get; } = Guid.CreateVersion7();

    public static async Task<OnePatientsKeys> CreateAsync() => new(await SqliteTestDatabase.CreateAsync());

    /// <summary>The key ring a context seals and opens with, as the app's contexts do.</summary>
    public static PatientKeyRing Keys(AppDbContext db) => db.GetService<PatientKeyRing>();

    /// <summary>The patient's text sealed by a context of its own.</summary>
    public byte[] Seal(string text)
    {
        using var db = Database.NewContext();
        return Keys(db).Seal(db, Patient, text, Table, Row);
    }

    /// <summary>How many key rows the patient has (0 or 1).</summary>
    public async Task<long> KeyRowsAsync()
    {
        await using var db = Database.NewContext();
        return await db.Set<PatientDataKey>().LongCountAsync(k => k.PatientId == Patient);
    }

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}
