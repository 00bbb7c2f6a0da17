using System.Data;
using MediVault.Domain.Audit;
using MediVault.Domain.Records;
using MediVault.Infrastructure.Audit;
using MediVault.UnitTests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace MediVault.UnitTests.Infrastructure.Audit;

/// <summary>
/// The dashboard's compiled reads. What they count is tested through the handler (GetDashboardStatsTests); these cover
/// what the compiling and the shared connection add.
/// </summary>
public sealed class CompiledDashboardFiguresTests : IAsyncLifetime
{
    private static readonly DateTime Now = new(2026, 12, 5, 8, 0, 0, DateTimeKind.Utc);
    private static readonly Guid Patient = Guid.CreateVersion7();
    private SqliteTestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await SqliteTestDatabase.CreateAsync();
        await _database.StoreAsync(MedicalFile.Create(Guid.CreateVersion7(), Patient, Patient, "a.pdf", "application/pdf", 42,
            FileCategory.LabReport, null, null, new string('c', 64), Guid.NewGuid().ToString("N"), [1], Now.AddDays(-1)));
        await _database.StoreAsync(AccessLogEntry.Create(Patient, Now, AccessAction.FileDownloaded, Patient, "Pat", ActorRole.Patient,
            "file", null, null, null, AccessOutcome.Success));
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task ReadAsync_ContextsWithDifferentModels_EachRead()
    {
        // A compiled query refuses a model other than its first; the SQLite and PostgreSQL hosts of `migrate` and of the
        // integration tests run in one process.
        await using var first = _database.NewContext();
        await using var second = _database.NewContextWithItsOwnModel();
        second.Model.Should().NotBeSameAs(first.Model);

        var inFirst = await new CompiledDashboardFigures(first).ReadAsync(Patient, Now, 10, CancellationToken.None);
        var inSecond = await new CompiledDashboardFigures(second).ReadAsync(Patient, Now, 10, CancellationToken.None);

        inFirst.Should().BeEquivalentTo(inSecond);
        inFirst.Categories.Should().ContainSingle().Which.SizeBytes.Should().Be(42);
        inFirst.RecentActivity.Should().ContainSingle();
    }

    [Fact]
    public async Task ReadAsync_ClosesTheConnectionItOpened()
    {
        await using var db = _database.NewContext();

        await new CompiledDashboardFigures(db).ReadAsync(Patient, Now, 10, CancellationToken.None);

        db.Database.GetDbConnection().State.Should().Be(ConnectionState.Closed);
    }

    [Fact]
    public async Task ReadAsync_OnAConnectionTheCallerOpened_LeavesItOpen()
    {
        await using var db = _database.NewContext();
        await db.Database.OpenConnectionAsync();

        var figures = await new CompiledDashboardFigures(db).ReadAsync(Patient, Now, 10, CancellationToken.None);

        db.Database.GetDbConnection().State.Should().Be(ConnectionState.Open);
        figures.RecentActivity.Should().ContainSingle();
    }

    [Fact]
    public async Task ReadAsync_ReadsAtMostTheRecentCountAsked()
    {
        await _database.StoreAsync(AccessLogEntry.Create(Patient, Now.AddMinutes(1), AccessAction.FileDownloaded, Patient, "Pat",
            ActorRole.Patient, "file", null, null, null, AccessOutcome.Success));
        await using var db = _database.NewContext();

        var figures = await new CompiledDashboardFigures(db).ReadAsync(Patient, Now, 1, CancellationToken.None);

        figures.RecentActivity.Should().ContainSingle().Which.Timestamp.Should().Be(Now.AddMinutes(1));
    }

    [Fact]
    public async Task ReadAsync_EntriesAtTheSameInstant_AreInDescendingIdOrder()
    {
        // Ids are version 7 (time-ordered); two made in the same millisecond are ordered by their random part, so the
        // expected order is computed from the ids themselves, as both engines order them (by their hexadecimal digits).
        var sameInstant = Now.AddMinutes(5);
        var first = await _database.StoreAsync(AccessLogEntry.Create(Patient, sameInstant, AccessAction.FileDownloaded, Patient, "Pat",
            ActorRole.Patient, "file", null, null, null, AccessOutcome.Success));
        var second = await _database.StoreAsync(AccessLogEntry.Create(Patient, sameInstant, AccessAction.FileDeleted, Patient, "Pat",
            ActorRole.Patient, "file", null, null, null, AccessOutcome.Success));
        await using var db = _database.NewContext();

        var figures = await new CompiledDashboardFigures(db).ReadAsync(Patient, Now, 2, CancellationToken.None);

        figures.RecentActivity.Select(e => e.Id).Should().Equal(
            new[] { first.Id, second.Id }.OrderByDescending(id => id.ToString("N"), StringComparer.Ordinal));
    }
}
