using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Naming;
using MediVault.Domain.Emergency;
using MediVault.Domain.Identity;
using MediVault.Domain.Sharing;
using MediVault.UnitTests.TestSupport;
using NSubstitute;

namespace MediVault.UnitTests.Application.Common;

/// <summary>
/// The names of a patient's own records, against the real tables with two owners: a record is named only when it is
/// both the owner's and asked for, a code only when it has a label, and nothing is read when nothing is asked.
/// </summary>
public sealed class OwnedRecordNamesTests : IAsyncLifetime
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
        return await OwnedRecordNames.FindAsync(db, _users, Owner, ids, CancellationToken.None);
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
        var db = Substitute.For<IAppDbContext>();

        var names = await OwnedRecordNames.FindAsync(db, _users, Owner, new RecordIds([], [], [], []), CancellationToken.None);

        names.Should().BeEmpty();
        _ = db.DidNotReceive().MedicalFiles;
        _ = db.DidNotReceive().QrAccessCodes;
        _ = db.DidNotReceive().AccessGrants;
        _ = db.DidNotReceive().SmartHealthLinks;
        await _users.DidNotReceive().FindManyAsync(Arg.Any<IEnumerable<Guid>>(), Arg.Any<CancellationToken>());
    }
}
