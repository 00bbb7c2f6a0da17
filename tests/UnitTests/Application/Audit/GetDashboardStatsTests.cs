using MediVault.Application.Audit.GetDashboardStats;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Domain.Audit;
using MediVault.Domain.Emergency;
using MediVault.Domain.Identity;
using MediVault.Domain.Records;
using MediVault.Infrastructure.Audit;
using MediVault.UnitTests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace MediVault.UnitTests.Application.Audit;

public sealed class GetDashboardStatsTests : IAsyncLifetime
{
    private static readonly DateTime Now = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);
    private static readonly Guid Patient = Guid.CreateVersion7();
    private static readonly Guid Other = Guid.CreateVersion7();
    private readonly IRecordAccess _access = Substitute.For<IRecordAccess>();
    private readonly IAccessLog _accessLog = Substitute.For<IAccessLog>();
    private SqliteTestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await SqliteTestDatabase.CreateAsync();
        _access.EnsureAsync(Patient, RecordAction.ReadDashboard, Arg.Any<CancellationToken>()).Returns(ActorRole.Patient);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private async Task<DashboardStats> Stats()
    {
        await using var db = _database.NewContext();
        return await new GetDashboardStatsHandler(db, new CompiledDashboardFigures(db), _access, _accessLog, new FakeTimeProvider(Now))
            .Handle(new GetDashboardStats(Patient), CancellationToken.None);
    }

    private async Task AddCode(Guid patient, int? maxUses, int uses, int lifetimeMinutes = 60, bool revoked = false)
    {
        var tokenHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Guid.NewGuid().ToByteArray()));
        var code = QrAccessCode.Create(patient, tokenHash, null, Now.AddMinutes(-30), Now.AddMinutes(-30 + lifetimeMinutes), maxUses);
        typeof(QrAccessCode).GetProperty(nameof(QrAccessCode.UseCount))!.SetValue(code, uses);
        if (revoked)
            code.Revoke(Now.AddMinutes(-1));
        await using var db = _database.NewContext();
        db.QrAccessCodes.Add(code);
        await db.SaveChangesAsync();
    }

    private const int RecentEntries = GetDashboardStatsHandler.RecentActivityCount;

    private async Task AddProfile(Guid patient, bool complete)
    {
        var profile = EmergencyProfile.Create(patient);
        profile.Update(complete ? new DateOnly(1980, 1, 1) : null, BloodType.APositive, [], [], [],
            [new EmergencyContact("Sam", "Partner", "+44 20 7946 0000")], organDonor: false, medicalNotes: null, Now);
        await using var db = _database.NewContext();
        db.EmergencyProfiles.Add(profile);
        await db.SaveChangesAsync();
    }

    private async Task AddLogEntry(Guid patient, DateTime at)
    {
        await using var db = _database.NewContext();
        db.AccessLogEntries.Add(AccessLogEntry.Create(patient, at, AccessAction.FileDownloaded, Other, "Dr. Dana", ActorRole.Doctor,
            "file", null, null, null, AccessOutcome.Success));
        await db.SaveChangesAsync();
    }

    private async Task AddFile(Guid owner, FileCategory category, long size, DateTime uploadedAt, bool deleted = false)
    {
        var file = MedicalFile.Create(Guid.CreateVersion7(), owner, owner, "a.pdf", "application/pdf", size, category, null, null,
            new string('c', 64), Guid.NewGuid().ToString("N"), [1], uploadedAt);
        if (deleted)
            file.MarkDeleted(owner, uploadedAt.AddMinutes(1));
        await using var db = _database.NewContext();
        db.MedicalFiles.Add(file);
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task ActiveQrCodes_CountsOnlyCodesThatWouldOpenTheProfileNow()
    {
        await AddCode(Patient, maxUses: null, uses: 40); // active: no limit
        await AddCode(Patient, maxUses: 3, uses: 2); // active: one use left
        await AddCode(Patient, maxUses: 3, uses: 3); // used up at exactly maxUses
        await AddCode(Patient, maxUses: null, uses: 0, lifetimeMinutes: 30); // expires exactly now
        await AddCode(Patient, maxUses: null, uses: 0, revoked: true);
        await AddCode(Other, maxUses: null, uses: 0); // someone else's

        (await Stats()).ActiveQrCodes.Should().Be(2);
    }

    [Theory]
    [InlineData(null, 40, 60, false, 1)] // no use limit
    [InlineData(3, 2, 60, false, 1)] // one use left
    [InlineData(3, 3, 60, false, 0)] // used up at exactly maxUses
    [InlineData(3, 4, 60, false, 0)] // past the limit
    [InlineData(null, 0, 30, false, 0)] // expires exactly now
    [InlineData(null, 0, 31, false, 1)] // a minute left
    [InlineData(null, 0, 60, true, 0)] // revoked
    public async Task ActiveQrCodes_OneCode_CountedOnlyWhileItWouldOpenTheProfile(
        int? maxUses, int uses, int lifetimeMinutes, bool revoked, int expected)
    {
        await AddCode(Patient, maxUses, uses, lifetimeMinutes, revoked);

        (await Stats()).ActiveQrCodes.Should().Be(expected);
    }

    [Fact]
    public async Task EmergencyProfileComplete_TheOwnCompleteProfile_IsTrue()
    {
        await AddProfile(Patient, complete: true);

        (await Stats()).EmergencyProfileComplete.Should().BeTrue();
    }

    [Fact]
    public async Task EmergencyProfileComplete_TheOwnIncompleteProfile_IsFalse()
    {
        await AddProfile(Patient, complete: false);
        await AddProfile(Other, complete: true);

        (await Stats()).EmergencyProfileComplete.Should().BeFalse();
    }

    [Fact]
    public async Task EmergencyProfileComplete_OnlyAnotherPatientHasAProfile_IsFalse()
    {
        await AddProfile(Other, complete: true);

        (await Stats()).EmergencyProfileComplete.Should().BeFalse();
    }

    [Fact]
    public async Task RecentActivity_IsTheOwnTenNewestEntries_NewestFirst()
    {
        for (var minute = 1; minute <= RecentEntries + 2; minute++)
            await AddLogEntry(Patient, Now.AddMinutes(-minute));
        await AddLogEntry(Other, Now); // newer than all of them, but someone else's

        var recent = (await Stats()).RecentActivity;

        recent.Select(e => e.Timestamp).Should().Equal(
            Enumerable.Range(1, RecentEntries).Select(minute => Now.AddMinutes(-minute)));
    }

    [Fact]
    public async Task RecentActivity_OnlyAnotherPatientsEntries_IsEmpty()
    {
        await AddLogEntry(Other, Now);

        (await Stats()).RecentActivity.Should().BeEmpty();
    }

    [Fact]
    public async Task Doctor_ReadingTheDashboard_IsSavedInThePatientsAccessLog()
    {
        _access.EnsureAsync(Patient, RecordAction.ReadDashboard, Arg.Any<CancellationToken>()).Returns(ActorRole.Doctor);
        var doctor = Callers.As(Other, AccountType.Doctor, "Dr. Dana");

        await using (var db = _database.NewContext())
            await new GetDashboardStatsHandler(db, new CompiledDashboardFigures(db), _access, new AccessLog(db, doctor, new FakeTimeProvider(Now)), new FakeTimeProvider(Now))
                .Handle(new GetDashboardStats(Patient), CancellationToken.None);

        await using var check = _database.NewContext();
        (await check.AccessLogEntries.AsNoTracking().SingleAsync()).Should().BeEquivalentTo(new
        {
            PatientId = Patient,
            Action = AccessAction.RecordsViewed,
            ActorId = (Guid?)Other,
            ActorRole = ActorRole.Doctor,
            ResourceType = "dashboard",
            ResourceId = (Guid?)null,
        });
    }

    [Fact]
    public async Task Patient_ReadingTheOwnDashboard_IsNotLogged()
    {
        await Stats();

        _accessLog.DidNotReceiveWithAnyArgs().Record(default, default, default(ActorRole), default!, default);
        _accessLog.DidNotReceiveWithAnyArgs().Record(default, default, default(AccessActor)!, default!, default);
    }

    [Fact]
    public async Task Files_CountsSizesAndCategoriesOfTheOwnUndeletedFiles()
    {
        await AddFile(Patient, FileCategory.LabReport, 100, Now.AddDays(-2));
        await AddFile(Patient, FileCategory.LabReport, 50, Now.AddDays(-1));
        await AddFile(Patient, FileCategory.Imaging, 7, Now.AddDays(-3));
        await AddFile(Patient, FileCategory.Imaging, 1000, Now.AddHours(-1), deleted: true);
        await AddFile(Other, FileCategory.Other, 9999, Now);

        var stats = await Stats();

        stats.TotalFiles.Should().Be(3);
        stats.TotalSizeBytes.Should().Be(157);
        stats.FilesByCategory.Should().HaveCount(Enum.GetValues<FileCategory>().Length);
        stats.FilesByCategory["lab-report"].Should().Be(2);
        stats.FilesByCategory["imaging"].Should().Be(1);
        stats.FilesByCategory["other"].Should().Be(0);
        stats.LastUploadAt.Should().Be(Now.AddDays(-1));
        stats.EmergencyProfileComplete.Should().BeFalse();
    }

    [Fact]
    public async Task EmptyVault_IsAllZeroWithoutALastUpload()
    {
        var stats = await Stats();

        stats.TotalFiles.Should().Be(0);
        stats.LastUploadAt.Should().BeNull();
        stats.RecentActivity.Should().BeEmpty();
        stats.FilesByCategory.Values.Should().OnlyContain(count => count == 0);
    }

    [Fact]
    public async Task Refused_ReadsNothing()
    {
        _access.EnsureAsync(Other, RecordAction.ReadDashboard, Arg.Any<CancellationToken>()).ThrowsAsync(new NotFoundException());
        await using var db = _database.NewContext();

        var act = async () => await new GetDashboardStatsHandler(db, new CompiledDashboardFigures(db), _access, _accessLog, new FakeTimeProvider(Now))
            .Handle(new GetDashboardStats(Other), CancellationToken.None);

        await act.Should().ThrowAsync<NotFoundException>();
        _accessLog.DidNotReceiveWithAnyArgs().Record(default, default, default(ActorRole), default!, default);
        _accessLog.DidNotReceiveWithAnyArgs().Record(default, default, default(AccessActor)!, default!, default);
    }
}
