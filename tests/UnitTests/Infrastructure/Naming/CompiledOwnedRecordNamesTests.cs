using System.Data;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Naming;
using MediVault.Domain.Emergency;
using MediVault.Domain.Identity;
using MediVault.Domain.Records;
using MediVault.Domain.Sharing;
using MediVault.Infrastructure.Naming;
using MediVault.UnitTests.TestSupport;
using Microsoft.EntityFrameworkCore;
using NSubstitute;

namespace MediVault.UnitTests.Infrastructure.Naming;

/// <summary>
/// The names of a patient's own records, against the real tables with two owners: a record is named only when it is
/// both the owner's and asked for, a code only when it has a label, and nothing is read when nothing is asked.
/// </summary>
public sealed class CompiledOwnedRecordNamesTests : IAsyncLifetime
{
    private static readonly DateTime Day = new(2026, 11, 24, 0, 0, 0, DateTimeKind.Utc);
    private static readonly Guid Owner = Guid.CreateVersion7();
    private static readonly Guid Other = Guid.CreateVersion7();
    private static readonly Guid DoctorA = Guid.CreateVersion7();
    private static readonly Guid DoctorB = Guid.CreateVersion7();

    private readonly IUserDirectory _users = Substitute.For<IUserDirectory>();
    private SqliteTestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await SqliteTestDatabase.CreateAsync();
        _users.FindManyAsync(Arg.Any<IEnumerable<Guid>>(), Arg.Any<CancellationToken>()).Returns(call =>
            (IReadOnlyDictionary<Guid, UserInfo>)call.Arg<IEnumerable<Guid>>().ToDictionary(id => id, id =>
                new UserInfo(id, "d@example.com", id == DoctorA ? "Dr. Ada" : "Dr. Ben", AccountType.Doctor, "LIC-1", "GP", Day)));
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private async Task<IReadOnlyDictionary<Guid, string>> Find(RecordIds ids)
    {
        await using var db = _database.NewContext();
        return await new CompiledOwnedRecordNames(db, _users).FindAsync(Owner, ids, CancellationToken.None);
    }

    private async Task Save(params object[] records)
    {
        await using var db = _database.NewContext();
        db.AddRange(records);
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task QrCodes_OnlyTheOwnersLabelledCodesAskedFor_AreNamed()
    {
        var labelled = QrAccessCode.Create(Owner, new string('a', 64), "Wallet card", Day, Day.AddDays(1), null);
        var unlabelled = QrAccessCode.Create(Owner, new string('b', 64), null, Day, Day.AddDays(1), null);
        var notAsked = QrAccessCode.Create(Owner, new string('c', 64), "Fridge door", Day, Day.AddDays(1), null);
        var othersCode = QrAccessCode.Create(Other, new string('d', 64), "Their card", Day, Day.AddDays(1), null);
        await Save(labelled, unlabelled, notAsked, othersCode);

        var names = await Find(new RecordIds([], [labelled.Id, unlabelled.Id, othersCode.Id], []));

        names.Should().BeEquivalentTo(new Dictionary<Guid, string> { [labelled.Id] = "Wallet card" });
    }

    [Fact]
    public async Task Files_OnlyTheOwnersFilesAskedFor_AreNamed_InContextsWithDifferentModels()
    {
        // A compiled query refuses a model other than its first; the SQLite and PostgreSQL hosts of `migrate` and of the
        // integration tests run in one process.
        var asked = File(Owner, "blood-count.pdf");
        var notAsked = File(Owner, "x-ray.png");
        var othersFile = File(Other, "theirs.pdf");
        await Save(asked, notAsked, othersFile);
        var ids = new RecordIds([asked.Id, othersFile.Id], [], []);
        await using var first = _database.NewContext();
        await using var second = _database.NewContextWithItsOwnModel();

        var inFirst = await new CompiledOwnedRecordNames(first, _users).FindAsync(Owner, ids, CancellationToken.None);
        var inSecond = await new CompiledOwnedRecordNames(second, _users).FindAsync(Owner, ids, CancellationToken.None);

        inFirst.Should().BeEquivalentTo(new Dictionary<Guid, string> { [asked.Id] = "blood-count.pdf" });
        inSecond.Should().BeEquivalentTo(inFirst);
    }

    private static MedicalFile File(Guid owner, string name) =>
        MedicalFile.Create(Guid.CreateVersion7(), owner, owner, name, "application/pdf", 1, FileCategory.LabReport, null, null,
            new string('c', 64), Guid.NewGuid().ToString("N"), [1], Day);

    [Fact]
    public async Task Grants_OnlyTheOwnersGrantsAskedFor_AreNamedAfterTheirDoctor()
    {
        var asked = AccessGrant.Create(Owner, DoctorA, Day, null);
        var notAsked = AccessGrant.Create(Owner, DoctorB, Day, null);
        var othersGrant = AccessGrant.Create(Other, DoctorB, Day, null);
        await Save(asked, notAsked, othersGrant);

        var names = await Find(new RecordIds([], [], [asked.Id, othersGrant.Id]));

        names.Should().BeEquivalentTo(new Dictionary<Guid, string> { [asked.Id] = "Dr. Ada" });
        await _users.Received(1).FindManyAsync(Arg.Is<IEnumerable<Guid>>(ids => ids.SequenceEqual(new[] { DoctorA })), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task NothingAskedFor_ReadsNoTableAndNoDirectory()
    {
        var log = new CommandLog();
        await using var db = _database.NewContext(log);

        var names = await new CompiledOwnedRecordNames(db, _users).FindAsync(Owner, new RecordIds([], [], [], []), CancellationToken.None);

        names.Should().BeEmpty();
        log.Sent.Should().BeEmpty();
        await _users.DidNotReceive().FindManyAsync(Arg.Any<IEnumerable<Guid>>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task FindAsync_ClosesTheConnectionItOpened_AndLeavesOpenOneTheCallerOpened()
    {
        var file = File(Owner, "blood-count.pdf");
        await Save(file);
        var ids = new RecordIds([file.Id], [], []);
        await using var db = _database.NewContext();

        await new CompiledOwnedRecordNames(db, _users).FindAsync(Owner, ids, CancellationToken.None);
        db.Database.GetDbConnection().State.Should().Be(ConnectionState.Closed);

        await db.Database.OpenConnectionAsync();
        (await new CompiledOwnedRecordNames(db, _users).FindAsync(Owner, ids, CancellationToken.None)).Should().ContainKey(file.Id);
        db.Database.GetDbConnection().State.Should().Be(ConnectionState.Open);
    }
}
