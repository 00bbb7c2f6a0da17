using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Domain.Audit;
using MediVault.Domain.Identity;
using MediVault.Domain.Sharing;
using MediVault.UnitTests.TestSupport;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace MediVault.UnitTests.Application;

/// <summary>Every actor × action × grant state against the real grant table: the one place that decides access.</summary>
public sealed class RecordAccessTests : IAsyncLifetime
{
    public enum Actor
    {
        OwnerPatient,
        OtherPatient,
        DoctorWithActiveGrant,
        DoctorWithOpenEndedGrant,
        DoctorWithExpiredGrant,
        DoctorWithRevokedGrant,
        DoctorWithGrantFromAnotherPatient,
        DoctorWithoutGrant,
    }

    private static readonly DateTime Now = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);
    private static readonly Guid Patient = Guid.CreateVersion7();
    private static readonly Guid AnotherPatient = Guid.CreateVersion7();
    private static readonly Dictionary<Actor, Guid> Ids = Enum.GetValues<Actor>().ToDictionary(a => a, _ => Guid.CreateVersion7());

    private static readonly RecordAction[] DoctorMay =
    [
        RecordAction.ListFiles, RecordAction.DownloadFile, RecordAction.VerifyFile, RecordAction.UploadFile,
        RecordAction.ReadProfile, RecordAction.ReadDashboard, RecordAction.ReadAccessLog, RecordAction.ReadLedger,
    ];

    private SqliteTestDatabase database = null!;

    public async Task InitializeAsync()
    {
        database = await SqliteTestDatabase.CreateAsync();
        await using var db = database.NewContext();
        db.AccessGrants.Add(AccessGrant.Create(Patient, Ids[Actor.DoctorWithActiveGrant], Now.AddDays(-1), Now.AddDays(1)));
        db.AccessGrants.Add(AccessGrant.Create(Patient, Ids[Actor.DoctorWithOpenEndedGrant], Now.AddDays(-1), null));
        db.AccessGrants.Add(AccessGrant.Create(Patient, Ids[Actor.DoctorWithExpiredGrant], Now.AddDays(-2), Now.AddSeconds(-1)));
        var revoked = AccessGrant.Create(Patient, Ids[Actor.DoctorWithRevokedGrant], Now.AddDays(-2), null);
        revoked.Revoke(Now.AddMinutes(-5));
        db.AccessGrants.Add(revoked);
        db.AccessGrants.Add(AccessGrant.Create(AnotherPatient, Ids[Actor.DoctorWithGrantFromAnotherPatient], Now.AddDays(-1), null));
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await database.DisposeAsync();

    public static TheoryData<Actor, RecordAction, bool> Matrix()
    {
        var data = new TheoryData<Actor, RecordAction, bool>();
        foreach (var actor in Enum.GetValues<Actor>())
        {
            foreach (var action in Enum.GetValues<RecordAction>())
            {
                var allowed = actor switch
                {
                    Actor.OwnerPatient => true,
                    Actor.DoctorWithActiveGrant or Actor.DoctorWithOpenEndedGrant => DoctorMay.Contains(action),
                    _ => false,
                };
                data.Add(actor, action, allowed);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task EnsureAsync_DecidesByActorActionAndGrantState(Actor actor, RecordAction action, bool allowed)
    {
        await using var db = database.NewContext();
        var (currentUser, users, accessLog) = Boundaries(actor);
        var access = new RecordAccess(db, currentUser, users, accessLog, new FakeTimeProvider(Now));

        var act = () => access.EnsureAsync(Patient, action, CancellationToken.None);

        if (allowed)
        {
            var role = await act.Should().NotThrowAsync();
            role.Which.Should().Be(actor == Actor.OwnerPatient ? ActorRole.Patient : ActorRole.Doctor);
            await accessLog.DidNotReceiveWithAnyArgs().RecordDeniedAsync(default, default, default!, default, default);
        }
        else
        {
            await act.Should().ThrowAsync<NotFoundException>();
            await accessLog.Received(1).RecordDeniedAsync(Patient, Arg.Any<AccessAction>(), Arg.Any<string>(), null, Arg.Any<CancellationToken>());
        }
    }

    [Theory]
    [InlineData(-1, true)] // one tick before the grant ends
    [InlineData(0, false)] // the instant it ends
    [InlineData(1, false)]
    public async Task EnsureAsync_AtTheEdgeOfTheGrantsExpiry_AllowsOnlyBeforeIt(long ticksFromExpiry, bool allowed)
    {
        await using var db = database.NewContext();
        var (currentUser, users, accessLog) = Boundaries(Actor.DoctorWithActiveGrant);
        var expiresAt = Now.AddDays(1); // the active grant's end, set above
        var access = new RecordAccess(db, currentUser, users, accessLog, new FakeTimeProvider(expiresAt.AddTicks(ticksFromExpiry)));

        var act = () => access.EnsureAsync(Patient, RecordAction.ListFiles, CancellationToken.None);

        if (allowed)
            (await act.Should().NotThrowAsync()).Which.Should().Be(ActorRole.Doctor);
        else
            await act.Should().ThrowAsync<NotFoundException>();
    }

    [Theory]
    [InlineData(RecordAction.ListFiles, AccessAction.RecordsViewed, "file")]
    [InlineData(RecordAction.DownloadFile, AccessAction.FileDownloaded, "file")]
    [InlineData(RecordAction.VerifyFile, AccessAction.RecordsViewed, "file")]
    [InlineData(RecordAction.UploadFile, AccessAction.FileUploaded, "file")]
    [InlineData(RecordAction.DeleteFile, AccessAction.FileDeleted, "file")]
    [InlineData(RecordAction.ReadProfile, AccessAction.ProfileViewed, "emergency-profile")]
    [InlineData(RecordAction.WriteProfile, AccessAction.ProfileUpdated, "emergency-profile")]
    [InlineData(RecordAction.ReadDashboard, AccessAction.RecordsViewed, "dashboard")]
    [InlineData(RecordAction.ReadAccessLog, AccessAction.RecordsViewed, "access-log")]
    [InlineData(RecordAction.ReadLedger, AccessAction.RecordsViewed, "ledger")]
    public async Task EnsureAsync_Refused_LogsWhatWasAskedForOnThePatientsRecord(RecordAction action, AccessAction logged, string resourceType)
    {
        await using var db = database.NewContext();
        var (currentUser, users, accessLog) = Boundaries(Actor.DoctorWithoutGrant);
        var access = new RecordAccess(db, currentUser, users, accessLog, new FakeTimeProvider(Now));

        var act = () => access.EnsureAsync(Patient, action, CancellationToken.None);

        await act.Should().ThrowAsync<NotFoundException>();
        await accessLog.Received(1).RecordDeniedAsync(Patient, logged, resourceType, null, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task EnsureAsync_ADoctorAccountWithThePatientsOwnId_IsAStranger()
    {
        // Ids are unique across accounts; should a doctor's token ever carry a patient's id, it is not the owner's.
        await using var db = database.NewContext();
        var currentUser = Substitute.For<ICurrentUser>();
        currentUser.UserId.Returns(Patient);
        currentUser.AccountType.Returns(AccountType.Doctor);
        var access = new RecordAccess(db, currentUser, Substitute.For<IUserDirectory>(), Substitute.For<IAccessLog>(), new FakeTimeProvider(Now));

        var act = () => access.EnsureAsync(Patient, RecordAction.ListFiles, CancellationToken.None);

        await act.Should().ThrowAsync<NotFoundException>();
    }

    [Fact]
    public async Task EnsureAsync_UnknownPatient_IsNotFoundWithoutALogEntry()
    {
        await using var db = database.NewContext();
        var (currentUser, users, accessLog) = Boundaries(Actor.DoctorWithoutGrant);
        var access = new RecordAccess(db, currentUser, users, accessLog, new FakeTimeProvider(Now));

        var act = () => access.EnsureAsync(Guid.CreateVersion7(), RecordAction.ListFiles, CancellationToken.None);

        await act.Should().ThrowAsync<NotFoundException>();
        await accessLog.DidNotReceiveWithAnyArgs().RecordDeniedAsync(default, default, default!, default, default);
    }

    [Fact]
    public async Task EnsureAsync_Anonymous_IsUnauthorized()
    {
        await using var db = database.NewContext();
        var currentUser = Substitute.For<ICurrentUser>();
        var access = new RecordAccess(db, currentUser, Substitute.For<IUserDirectory>(), Substitute.For<IAccessLog>(), new FakeTimeProvider(Now));

        var act = () => access.EnsureAsync(Patient, RecordAction.ListFiles, CancellationToken.None);

        await act.Should().ThrowAsync<UnauthorizedException>();
    }

    private static (ICurrentUser, IUserDirectory, IAccessLog) Boundaries(Actor actor)
    {
        var currentUser = Substitute.For<ICurrentUser>();
        currentUser.UserId.Returns(actor == Actor.OwnerPatient ? Patient : Ids[actor]);
        currentUser.AccountType.Returns(actor is Actor.OwnerPatient or Actor.OtherPatient ? AccountType.Patient : AccountType.Doctor);
        var users = Substitute.For<IUserDirectory>();
        users.FindByIdAsync(Patient, Arg.Any<CancellationToken>())
            .Returns(new UserInfo(Patient, "p@example.com", "Pat", AccountType.Patient, null, null, Now));
        return (currentUser, users, Substitute.For<IAccessLog>());
    }
}
