using MediVault.Application.Audit;
using MediVault.Application.Audit.ExportAccessLog;
using MediVault.Application.Audit.ListAccessLog;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Emergency;
using MediVault.Domain.Audit;
using MediVault.Domain.Emergency;
using MediVault.Domain.Identity;
using MediVault.Domain.Records;
using MediVault.Domain.Sharing;
using MediVault.Infrastructure.Naming;
using MediVault.UnitTests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace MediVault.UnitTests.Application.Audit;

/// <summary>Reading and exporting a patient's access log against the real table: filters, order, paging, names, and the doctor's own line.</summary>
public sealed class AccessLogHandlersTests : IAsyncLifetime
{
    private static readonly DateTime Day = new(2026, 11, 24, 0, 0, 0, DateTimeKind.Utc);
    private static readonly Guid Patient = Guid.CreateVersion7();
    private static readonly Guid Stranger = Guid.CreateVersion7();
    private static readonly Guid Doctor = Guid.CreateVersion7();
    private const string Chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    private readonly IRecordAccess _access = Substitute.For<IRecordAccess>();
    private readonly AccessLogPort _log = new(Callers.As(Doctor, AccountType.Doctor, "Dr. Dana"), new FakeTimeProvider(Day));
    private readonly IUserDirectory _users = Substitute.For<IUserDirectory>();
    private SqliteTestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await SqliteTestDatabase.CreateAsync();
        _access.EnsureAsync(Patient, RecordAction.ReadAccessLog, Arg.Any<CancellationToken>()).Returns(ActorRole.Patient);
        _access.EnsureAsync(Stranger, RecordAction.ReadAccessLog, Arg.Any<CancellationToken>()).ThrowsAsync(new NotFoundException());
        _users.FindManyAsync(Arg.Any<IEnumerable<Guid>>(), Arg.Any<CancellationToken>()).Returns(call =>
            (IReadOnlyDictionary<Guid, UserInfo>)call.Arg<IEnumerable<Guid>>().Where(id => id == Doctor)
                .ToDictionary(id => id, id => new UserInfo(id, "d@example.com", "Dr. Dana", AccountType.Doctor, "LIC-1", "GP", Day)));
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    /// <summary>Exactly one reading of the log is saved: the doctor's, on the patient's record.</summary>
    private async Task TheDoctorsReadingIsSaved()
    {
        await using var db = _database.NewContext();
        var readings = await db.AccessLogEntries.AsNoTracking().Where(e => e.ResourceType == "access-log").ToArrayAsync();
        readings.Should().ContainSingle().Which.Should().BeEquivalentTo(new
        {
            PatientId = Patient,
            Action = AccessAction.RecordsViewed,
            ActorId = (Guid?)Doctor,
            ActorRole = ActorRole.Doctor,
        });
    }

    private void ActAsDoctor() =>
        _access.EnsureAsync(Patient, RecordAction.ReadAccessLog, Arg.Any<CancellationToken>()).Returns(ActorRole.Doctor);

    private async Task<AccessLogEntry> Entry(
        DateTime at, AccessAction action = AccessAction.FileDownloaded, ActorRole role = ActorRole.Doctor,
        AccessOutcome outcome = AccessOutcome.Success, string resourceType = "file", Guid? resourceId = null, Guid? patient = null,
        string? userAgent = null)
    {
        var entry = AccessLogEntry.Create(patient ?? Patient, at, action, role == ActorRole.Emergency ? null : Doctor, "Dr. Dana", role,
            resourceType, resourceId, "10.0.0.7", userAgent, outcome);
        await using var db = _database.NewContext();
        db.AccessLogEntries.Add(entry);
        await db.SaveChangesAsync();
        return entry;
    }

    private async Task<MediVault.Application.Common.Paging.Paged<AccessLogEntryDto>> List(
        AccessLogFilter? filter = null, int page = 1, int pageSize = 50, Guid? patient = null)
    {
        await using var db = _database.NewContext();
        return await new ListAccessLogHandler(db, _access, _log.For(db), new CompiledOwnedRecordNames(db, _users))
            .Handle(new ListAccessLog(patient ?? Patient, page, pageSize, filter), CancellationToken.None);
    }

    private async Task<AccessLogExport> Export(AccessLogFilter? filter = null, Guid? patient = null)
    {
        await using var db = _database.NewContext();
        return await new ExportAccessLogHandler(db, _access, _log.For(db), new CompiledOwnedRecordNames(db, _users))
            .Handle(new ExportAccessLog(patient ?? Patient, filter ?? AccessLogFilter.None), CancellationToken.None);
    }

    private static AccessLogFilter Filter(string? action = null, string? role = null, string? outcome = null, string? from = null, string? to = null) =>
        new(action, role, outcome, from, to);

    [Fact]
    public async Task List_NewestFirst_OnlyThisPatients_WithTheEntrysFields()
    {
        var older = await Entry(Day.AddHours(1), userAgent: Chrome);
        var newer = await Entry(Day.AddHours(2), AccessAction.ProfileViewed, resourceType: ResourceTypes.EmergencyProfile);
        await Entry(Day.AddHours(3), patient: Stranger);

        var page = await List();

        page.Items.Select(e => e.Id).Should().Equal(newer.Id, older.Id);
        page.TotalCount.Should().Be(2);
        page.Items[1].Should().BeEquivalentTo(new
        {
            older.Id,
            Timestamp = Day.AddHours(1),
            Action = AccessAction.FileDownloaded,
            ActorId = (Guid?)Doctor,
            ActorName = "Dr. Dana",
            ActorRole = ActorRole.Doctor,
            ResourceType = "file",
            IpAddress = "10.0.0.7",
            UserAgent = Chrome,
            Outcome = AccessOutcome.Success,
            Device = "Chrome on Linux",
        });
        page.Items[0].Device.Should().BeNull();
    }

    [Fact]
    public async Task List_SameInstant_NewestIdFirst()
    {
        var first = await Entry(Day);
        var second = await Entry(Day);

        (await List()).Items.Select(e => e.Id).Should().Equal(second.Id, first.Id);
    }

    [Fact]
    public async Task List_Paging_SkipsWholePagesAndCountsEverything()
    {
        var entries = new List<AccessLogEntry>();
        for (var i = 0; i < 5; i++)
            entries.Add(await Entry(Day.AddMinutes(i)));

        var second = await List(page: 2, pageSize: 2);

        second.Items.Select(e => e.Id).Should().Equal(entries[2].Id, entries[1].Id);
        second.Should().BeEquivalentTo(new { Page = 2, PageSize = 2, TotalCount = 5 });
    }

    [Fact]
    public async Task List_ByActionRoleAndOutcome_EachFilterNarrows()
    {
        var download = await Entry(Day, AccessAction.FileDownloaded, ActorRole.Doctor, AccessOutcome.Success);
        var denied = await Entry(Day.AddMinutes(1), AccessAction.FileDownloaded, ActorRole.Doctor, AccessOutcome.Denied);
        var emergency = await Entry(Day.AddMinutes(2), AccessAction.QrAccessed, ActorRole.Emergency, resourceType: ResourceTypes.QrCode);

        (await List(Filter(action: "qr-accessed"))).Items.Select(e => e.Id).Should().Equal(emergency.Id);
        (await List(Filter(role: "doctor"))).Items.Select(e => e.Id).Should().Equal(denied.Id, download.Id);
        (await List(Filter(outcome: "denied"))).Items.Select(e => e.Id).Should().Equal(denied.Id);
        (await List(Filter(action: "file-downloaded", outcome: "success"))).Items.Select(e => e.Id).Should().Equal(download.Id);
        (await List(Filter(action: "", role: "", outcome: ""))).TotalCount.Should().Be(3);
    }

    [Fact]
    public async Task List_ByDays_BothEndsIncludedToTheirLastInstant()
    {
        var before = await Entry(Day.AddTicks(-1));
        var firstInstant = await Entry(Day);
        var lastInstant = await Entry(Day.AddDays(2).AddTicks(-1));
        var after = await Entry(Day.AddDays(2));

        (await List(Filter(from: "2026-11-24", to: "2026-11-25"))).Items.Select(e => e.Id).Should().Equal(lastInstant.Id, firstInstant.Id);
        (await List(Filter(from: "2026-11-24"))).Items.Select(e => e.Id).Should().Equal(after.Id, lastInstant.Id, firstInstant.Id);
        (await List(Filter(to: "2026-11-23"))).Items.Select(e => e.Id).Should().Equal(before.Id);
    }

    [Fact]
    public async Task List_ForTheOwner_NamesOwnFileCodeAndGrant_ButNotAnotherPatientsRecord()
    {
        var ids = await SaveOwnedRecords();
        await Entry(Day, resourceId: ids.File);
        await Entry(Day.AddMinutes(1), AccessAction.QrAccessed, ActorRole.Emergency, resourceType: ResourceTypes.QrCode, resourceId: ids.Code);
        await Entry(Day.AddMinutes(2), AccessAction.AccessGranted, ActorRole.Patient, resourceType: AccessLogNames.GrantResource, resourceId: ids.Grant);
        await Entry(Day.AddMinutes(3), resourceId: ids.ForeignFile);
        await Entry(Day.AddMinutes(4), AccessAction.RecordsViewed, resourceType: "file", resourceId: null);

        var page = await List();

        page.Items.Select(e => e.ResourceName).Should().Equal(null, null, "Dr. Dana", "Wallet card", "lab.pdf");
    }

    [Fact]
    public async Task List_ForADoctor_NamesNothingAndLogsTheReadingAfterThePage()
    {
        ActAsDoctor();
        var ids = await SaveOwnedRecords();
        await Entry(Day, resourceId: ids.File);

        var page = await List();

        page.Items.Should().ContainSingle().Which.ResourceName.Should().BeNull();
        _log.Substitute.Received(1).Record(Patient, AccessAction.RecordsViewed, ActorRole.Doctor, "access-log", null);
    }

    [Fact]
    public async Task List_ForADoctor_SavesTheReadingAfterThePage()
    {
        ActAsDoctor();
        _log.UseReal();
        await Entry(Day.AddHours(-1));

        var page = await List();

        page.Items.Should().ContainSingle("the reading is logged after the page is read");
        await TheDoctorsReadingIsSaved();
    }

    [Fact]
    public async Task List_ForThePatient_LogsNothing()
    {
        await Entry(Day);

        await List();

        _log.Substitute.ReceivedCalls().Should().BeEmpty();
    }

    [Fact]
    public async Task List_Refused_IsNotFound()
    {
        await Entry(Day, patient: Stranger);

        var act = () => List(patient: Stranger);

        await act.Should().ThrowAsync<NotFoundException>();
    }

    [Fact]
    public async Task Export_NewestFirstFilteredAndNamedForTheOwner_NotTruncated()
    {
        var ids = await SaveOwnedRecords();
        var first = await Entry(Day, resourceId: ids.File, userAgent: Chrome);
        var second = await Entry(Day.AddMinutes(1), outcome: AccessOutcome.Denied);
        await Entry(Day.AddMinutes(2), patient: Stranger);

        var all = await Export();
        var denied = await Export(Filter(outcome: "denied"));

        all.Truncated.Should().BeFalse();
        all.Entries.Select(e => e.Id).Should().Equal(second.Id, first.Id);
        all.Entries[1].Should().BeEquivalentTo(new { ResourceName = "lab.pdf", Device = "Chrome on Linux" });
        denied.Entries.Select(e => e.Id).Should().Equal(second.Id);
        _log.Substitute.ReceivedCalls().Should().BeEmpty();
    }

    [Fact]
    public async Task Export_ForADoctor_NamesNothingAndIsLogged()
    {
        ActAsDoctor();
        var ids = await SaveOwnedRecords();
        await Entry(Day, resourceId: ids.File);

        var export = await Export();

        export.Entries.Should().ContainSingle().Which.ResourceName.Should().BeNull();
        _log.Substitute.Received(1).Record(Patient, AccessAction.RecordsViewed, ActorRole.Doctor, "access-log", null);
    }

    [Fact]
    public async Task Export_ForADoctor_SavesTheReading()
    {
        ActAsDoctor();
        _log.UseReal();
        await Entry(Day.AddHours(-1));

        var export = await Export();

        export.Entries.Should().ContainSingle();
        await TheDoctorsReadingIsSaved();
    }

    [Fact]
    public async Task Export_ExactlyTheLimit_IsWholeAndOneMore_IsCutShortToTheNewest()
    {
        var oldest = await Entry(Day.AddDays(-1));
        await CopyEntry(oldest.Id, ExportAccessLog.MaxEntries - 1, Day);

        var whole = await Export();
        whole.Truncated.Should().BeFalse();
        whole.Entries.Should().HaveCount(ExportAccessLog.MaxEntries);
        whole.Entries[^1].Id.Should().Be(oldest.Id);

        await CopyEntry(oldest.Id, 1, Day.AddDays(1));
        var cut = await Export();
        cut.Truncated.Should().BeTrue();
        cut.Entries.Should().HaveCount(ExportAccessLog.MaxEntries);
        cut.Entries[0].Timestamp.Should().Be(Day.AddDays(1));
        cut.Entries.Should().NotContain(e => e.Id == oldest.Id);
    }

    [Fact]
    public async Task Export_Refused_IsNotFound()
    {
        var act = () => Export(patient: Stranger);

        await act.Should().ThrowAsync<NotFoundException>();
    }

    /// <summary>A file, a labelled code and a grant of the patient, and a file of another patient.</summary>
    private async Task<(Guid File, Guid Code, Guid Grant, Guid ForeignFile)> SaveOwnedRecords()
    {
        var file = MedicalFile.Create(Guid.CreateVersion7(), Patient, Patient, "lab.pdf", "application/pdf", 10, FileCategory.LabReport, null,
            null, new string('a', 64), "k1", [1], Day);
        var foreign = MedicalFile.Create(Guid.CreateVersion7(), Stranger, Stranger, "theirs.pdf", "application/pdf", 10, FileCategory.LabReport,
            null, null, new string('b', 64), "k2", [1], Day);
        var code = QrAccessCode.Create(Patient, new string('c', 64), "Wallet card", Day, Day.AddDays(1), null);
        var grant = AccessGrant.Create(Patient, Doctor, Day, null);
        await using var db = _database.NewContext();
        db.AddRange(file, foreign, code, grant);
        await db.SaveChangesAsync();
        return (file.Id, code.Id, grant.Id, foreign.Id);
    }

    /// <summary>Copies of an entry under fresh ids at <paramref name="at"/>, written in one statement (thousands in well under a second).</summary>
    private async Task CopyEntry(Guid id, int count, DateTime at)
    {
        await using var db = _database.NewContext();
        var timestamp = (await db.AccessLogEntries.AsNoTracking().SingleAsync(e => e.Id == id)).Timestamp;
        await db.Database.ExecuteSqlRawAsync("""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {0}),
                 r(h) AS (SELECT hex(randomblob(16)) FROM n)
            INSERT INTO AccessLogEntries (Id, PatientId, Timestamp, Action, ActorId, ActorName, ActorRole, ResourceType, ResourceId, IpAddress, UserAgent, Outcome)
            SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-' || substr(h, 13, 4) || '-' || substr(h, 17, 4) || '-' || substr(h, 21, 12),
                   e.PatientId, replace(e.Timestamp, {1}, {2}), e.Action, e.ActorId, e.ActorName, e.ActorRole, e.ResourceType, e.ResourceId,
                   e.IpAddress, e.UserAgent, e.Outcome
            FROM r, AccessLogEntries e WHERE e.Id = {3}
            """, count, timestamp.ToString("yyyy-MM-dd HH:mm:ss"), at.ToString("yyyy-MM-dd HH:mm:ss"), id);
    }
}
