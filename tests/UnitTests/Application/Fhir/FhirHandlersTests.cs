using System.Security.Cryptography;
using System.Text;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Fhir;
using MediVault.Application.Fhir.GetPatientSummary;
using MediVault.Application.Fhir.ReadBinary;
using MediVault.Application.Fhir.ReadResource;
using MediVault.Application.Fhir.SearchResources;
using MediVault.Application.Records.GetFileContent;
using MediVault.Domain.Audit;
using MediVault.Domain.Emergency;
using MediVault.Domain.Identity;
using MediVault.Domain.Records;
using MediVault.UnitTests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using AllergyIntolerance = Hl7.Fhir.Model.AllergyIntolerance;
using AuditEvent = Hl7.Fhir.Model.AuditEvent;
using Bundle = Hl7.Fhir.Model.Bundle;
using CodeableConcept = Hl7.Fhir.Model.CodeableConcept;
using DocumentReference = Hl7.Fhir.Model.DocumentReference;
using FhirCondition = Hl7.Fhir.Model.Condition;
using FhirPatient = Hl7.Fhir.Model.Patient;
using MedicationStatement = Hl7.Fhir.Model.MedicationStatement;
using Resource = Hl7.Fhir.Model.Resource;

namespace MediVault.UnitTests.Application.Fhir;

/// <summary>
/// The FHIR read, search, Binary and $summary handlers against the real tables: which rows they pick, page and link,
/// what they log and when they answer 404. The gate (<see cref="FhirAccess"/>) is real, over a first-party caller;
/// the record access decision, the access log, the user directory and the blob store are ports.
/// </summary>
public sealed class FhirHandlersTests : IAsyncLifetime
{
    private const string BaseUrl = "https://vault.example/fhir/r4";
    private static readonly DateTime Now = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);
    private static readonly Guid Patient = Guid.CreateVersion7();
    private static readonly Guid OtherPatient = Guid.CreateVersion7();
    private static readonly Guid Doctor = Guid.CreateVersion7();

    private readonly ISmartCaller _caller = Substitute.For<ISmartCaller>();
    private readonly IRecordAccess _access = Substitute.For<IRecordAccess>();
    private readonly AccessLogPort _log = new(Callers.As(Patient, AccountType.Patient, "Pat Patient"), new FakeTimeProvider(Now));
    private readonly IUserDirectory _users = Substitute.For<IUserDirectory>();
    private readonly IFileStore _store = Substitute.For<IFileStore>();
    private readonly Dictionary<string, byte[]> _blobs = [];
    private SqliteTestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await SqliteTestDatabase.CreateAsync();
        _caller.IsAuthenticated.Returns(true);
        _caller.IsFirstParty.Returns(true);
        _access.EnsureAsync(Patient, Arg.Any<RecordAction>(), Arg.Any<CancellationToken>()).Returns(ActorRole.Patient);
        _access.EnsureAsync(OtherPatient, Arg.Any<RecordAction>(), Arg.Any<CancellationToken>()).ThrowsAsync(new NotFoundException());
        _users.FindByIdAsync(Patient, Arg.Any<CancellationToken>())
            .Returns(new UserInfo(Patient, "pat@example.com", "Pat Patient", AccountType.Patient, null, null, Now));
        _users.FindByIdAsync(Doctor, Arg.Any<CancellationToken>())
            .Returns(new UserInfo(Doctor, "doc@example.com", "Dr. Dana", AccountType.Doctor, "LIC-1", "GP", Now));
        _store.OpenReadAsync(Arg.Any<string>(), Arg.Any<byte[]>(), Arg.Any<CancellationToken>())
            .Returns(call => new MemoryStream(_blobs[call.Arg<string>()], writable: false));
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private FhirAccess Gate(Guid caller) => new(_caller, Callers.As(caller, AccountType.Patient, "Pat Patient"), _access, Substitute.For<IPatientConsents>());

    private async Task<T> Run<T>(Func<MediVault.Infrastructure.Persistence.AppDbContext, FhirRecords, ValueTask<T>> handle)
    {
        await using var db = _database.NewContext();
        return await handle(db, new FhirRecords(db, _users, _store));
    }

    private Task<Bundle> Search(string type, params (string Name, string Value)[] parameters) =>
        Run((db, records) => new SearchResourcesHandler(db, Gate(Patient), records, _log.For(db)).Handle(
            new SearchResources(FhirSearch.Parse(type, parameters.Select(p => new KeyValuePair<string, string>(p.Name, p.Value))), BaseUrl),
            CancellationToken.None));

    private Task<Resource> Read(string type, string id) =>
        Run((db, records) => new ReadResourceHandler(db, Gate(Patient), records, _log.For(db)).Handle(new ReadResource(type, id), CancellationToken.None));

    private Task<FileContent> ReadBinary(string id) =>
        Run((db, _) => new ReadBinaryHandler(db, Gate(Patient), _log.For(db), _store).Handle(new ReadBinary(id), CancellationToken.None));

    private Task<Bundle> Summary(Guid patient) =>
        Run((db, records) => new GetPatientSummaryHandler(db, Gate(Patient), records, _log.For(db), new FakeTimeProvider(Now))
            .Handle(new GetPatientSummary(patient), CancellationToken.None));

    private async Task<MedicalFile> SaveFile(
        string name = "lab.pdf", DateTime? uploadedAt = null, Guid? owner = null, FileCategory category = FileCategory.LabReport,
        bool withSha1 = true, long? recordedSize = null, bool deleted = false)
    {
        var bytes = Encoding.UTF8.GetBytes("%PDF-1.7 " + name);
        var id = Guid.CreateVersion7();
        var file = MedicalFile.Create(id, owner ?? Patient, owner ?? Patient, name, "application/pdf", recordedSize ?? bytes.Length, category,
            null, null, Convert.ToHexStringLower(SHA256.HashData(bytes)), id.ToString("N"), [1, 2, 3], uploadedAt ?? Now);
        if (withSha1)
            file.RecordSha1(Sha1(bytes));
        if (deleted)
            file.MarkDeleted(file.OwnerId, Now);
        _blobs[file.StorageKey] = bytes;
        await using var db = _database.NewContext();
        db.MedicalFiles.Add(file);
        await db.SaveChangesAsync();
        return file;
    }

#pragma warning disable CA5350 // FHIR's Attachment.hash is SHA-1 (decisions #44)
    private static string Sha1(byte[] bytes) => Convert.ToHexStringLower(SHA1.HashData(bytes));
#pragma warning restore CA5350

    private async Task<AccessLogEntry> SaveLogEntry(DateTime at, Guid? patient = null)
    {
        var entry = AccessLogEntry.Create(patient ?? Patient, at, AccessAction.FileDownloaded, Doctor, "Dr. Dana", ActorRole.Doctor, "file",
            Guid.CreateVersion7(), "10.0.0.7", "curl/8", AccessOutcome.Success);
        await using var db = _database.NewContext();
        db.AccessLogEntries.Add(entry);
        await db.SaveChangesAsync();
        return entry;
    }

    private async Task SaveProfile(int allergies = 2, int conditions = 1, int medications = 3)
    {
        var profile = EmergencyProfile.Create(Patient);
        profile.Update(new DateOnly(1990, 4, 2), BloodType.OPositive,
            Enumerable.Range(0, allergies).Select(i => new Allergy($"Allergen {i}", null, AllergySeverity.Mild)),
            Enumerable.Range(0, conditions).Select(i => new Condition($"Condition {i}", null)),
            Enumerable.Range(0, medications).Select(i => new Medication($"Medicine {i}", null, null)),
            [new EmergencyContact("Ravi", "brother", "112")], organDonor: false, null, Now);
        await using var db = _database.NewContext();
        db.EmergencyProfiles.Add(profile);
        await db.SaveChangesAsync();
    }

    /// <summary>A third-party SMART app, acting for the signed-in patient with these scopes.</summary>
    private void ThirdPartyApp(params string[] scopes)
    {
        _caller.IsFirstParty.Returns(false);
        _caller.Scopes.Returns(SmartScope.ParseAll(scopes));
        _caller.ClientNameAsync(Arg.Any<CancellationToken>()).Returns("Acme Portal");
    }

    /// <summary>Exactly one access-log line is in the table once the handler has returned: the patient's own reading.</summary>
    private async Task TheSavedLogLineIs(AccessAction action, string resourceType, Guid resourceId)
    {
        await using var db = _database.NewContext();
        (await db.AccessLogEntries.AsNoTracking().ToListAsync()).Should().ContainSingle().Which.Should().BeEquivalentTo(new
        {
            PatientId = Patient,
            Timestamp = Now,
            Action = action,
            ActorId = (Guid?)Patient,
            ActorName = "Pat Patient",
            ActorRole = ActorRole.Patient,
            ResourceType = resourceType,
            ResourceId = (Guid?)resourceId,
            Outcome = AccessOutcome.Success,
        });
    }

    private static IEnumerable<string> Ids(Bundle bundle) => bundle.Entry.Select(e => e.Resource!.Id!);

    private static string? Link(Bundle bundle, string relation) => bundle.Link.SingleOrDefault(l => l.Relation == relation)?.Url;

    private static string Item(string kind, int index) => new ProfileItemId(kind, Patient, index).ToString();

    [Fact]
    public async Task SearchDocuments_NewestFirstThenNewestId_OwnNotDeletedFilesOnly()
    {
        var older = await SaveFile("older.pdf", Now.AddDays(-2));
        var first = await SaveFile("a.pdf", Now);
        var second = await SaveFile("b.pdf", Now);
        await SaveFile("gone.pdf", Now, deleted: true);
        await SaveFile("theirs.pdf", Now, owner: OtherPatient);

        var bundle = await Search("DocumentReference", ("patient", Patient.ToString()));

        // Two ids made in the same millisecond are not in creation order (a v7 id's low bits are random): the tie is broken
        // by the id as the database compares it, its text.
        var sameTime = new[] { first, second }.Select(f => f.Id.ToString("D")).OrderByDescending(id => id, StringComparer.Ordinal);
        Ids(bundle).Should().Equal([.. sameTime, older.Id.ToString("D")]);
        bundle.Total.Should().Be(3);
        bundle.Type.Should().Be(Bundle.BundleType.Searchset);
        bundle.Entry[0].FullUrl.Should().Be($"{BaseUrl}/DocumentReference/{second.Id:D}");
        bundle.Entry.Should().OnlyContain(e => e.Search!.Mode == Bundle.SearchEntryMode.Match);
    }

    [Fact]
    public async Task SearchDocuments_ByCategoryAndDate_KeepsOnlyTheMatchingFiles()
    {
        await SaveFile("x-ray.png", Now, category: FileCategory.Imaging);
        var inRange = await SaveFile("march.pdf", new DateTime(2026, 3, 31, 23, 59, 59, DateTimeKind.Utc));
        await SaveFile("april.pdf", new DateTime(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc));
        await SaveFile("february.pdf", new DateTime(2026, 2, 28, 23, 59, 59, DateTimeKind.Utc));

        var bundle = await Search("DocumentReference", ("patient", Patient.ToString()), ("category", "lab-report"), ("date", "ge2026-03"), ("date", "lt2026-04"));

        Ids(bundle).Should().Equal(inRange.Id.ToString("D"));
        bundle.Total.Should().Be(1);
        Link(bundle, "self").Should().Be(
            $"{BaseUrl}/DocumentReference?patient={Patient:D}&category=lab-report&date=ge2026-03&date=lt2026-04&_count=20&_page=1");
    }

    [Fact]
    public async Task SearchDocuments_Pages_LinkNextWhileThereAreMore_AndNotFromTheLastPage()
    {
        var files = new List<MedicalFile>();
        for (var i = 0; i < 5; i++)
            files.Add(await SaveFile($"f{i}.pdf", Now.AddMinutes(-i)));

        var page1 = await Search("DocumentReference", ("patient", Patient.ToString()), ("_count", "2"));
        var page2 = await Search("DocumentReference", ("patient", Patient.ToString()), ("_count", "2"), ("_page", "2"));
        var page3 = await Search("DocumentReference", ("patient", Patient.ToString()), ("_count", "2"), ("_page", "3"));

        Ids(page1).Should().Equal(files[0].Id.ToString("D"), files[1].Id.ToString("D"));
        Ids(page2).Should().Equal(files[2].Id.ToString("D"), files[3].Id.ToString("D"));
        Ids(page3).Should().Equal(files[4].Id.ToString("D"));
        page3.Total.Should().Be(5);
        Link(page1, "next").Should().Be($"{BaseUrl}/DocumentReference?patient={Patient:D}&_count=2&_page=2");
        Link(page2, "next").Should().EndWith("&_page=3");
        Link(page2, "self").Should().EndWith("&_count=2&_page=2");
        Link(page3, "next").Should().BeNull();
    }

    [Fact]
    public async Task SearchDocuments_ExactlyFullLastPage_HasNoNextLink()
    {
        await SaveFile("a.pdf");
        await SaveFile("b.pdf");

        var bundle = await Search("DocumentReference", ("patient", Patient.ToString()), ("_count", "2"));

        bundle.Entry.Should().HaveCount(2);
        Link(bundle, "next").Should().BeNull();
    }

    [Fact]
    public async Task SearchDocuments_FileWithoutSha1_IsHashedOnceAndTheHashIsStored()
    {
        var file = await SaveFile("old.pdf", withSha1: false);

        var bundle = await Search("DocumentReference", ("patient", Patient.ToString()));

        var expected = Sha1(_blobs[file.StorageKey]);
        ((DocumentReference)bundle.Entry.Single().Resource!).Content[0].Attachment!.Hash.Should().Equal(Convert.FromHexString(expected));
        await using var db = _database.NewContext();
        (await db.MedicalFiles.SingleAsync(f => f.Id == file.Id)).Sha1.Should().Be(expected);
    }

    [Fact]
    public async Task Documents_FileWithoutSha1_TheLoadItselfStoresTheHash()
    {
        var file = await SaveFile("old.pdf", withSha1: false);

        var facts = await Run(async (db, records) =>
            await records.DocumentsAsync([await db.MedicalFiles.SingleAsync(f => f.Id == file.Id)], CancellationToken.None));

        var expected = Sha1(_blobs[file.StorageKey]);
        facts.Should().ContainSingle().Which.Sha1.Should().Be(expected);
        await using var db = _database.NewContext();
        (await db.MedicalFiles.SingleAsync(f => f.Id == file.Id)).Sha1.Should().Be(expected);
    }

    [Fact]
    public async Task SearchDocuments_RecordsOneAccessLogLine_AsRecordsViewed()
    {
        await SaveFile();

        await Search("DocumentReference", ("patient", Patient.ToString()));

        _log.Substitute.Received(1).Record(Patient, AccessAction.RecordsViewed,
            new AccessActor(Patient, "Pat Patient", ActorRole.Patient), "fhir:DocumentReference", Patient);
        await _access.Received(1).EnsureAsync(Patient, RecordAction.ListFiles, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Search_SavesItsAccessLogLine()
    {
        _log.UseReal();
        await SaveProfile();

        await Search("AllergyIntolerance", ("patient", Patient.ToString()));

        await TheSavedLogLineIs(AccessAction.ProfileViewed, "fhir:AllergyIntolerance", Patient);
    }

    [Fact]
    public async Task Search_AnotherPatientsRecords_IsNotFoundAndLogsNothing()
    {
        await SaveFile("theirs.pdf", owner: OtherPatient);

        await FluentActions.Awaiting(() => Search("DocumentReference", ("patient", OtherPatient.ToString()))).Should().ThrowAsync<NotFoundException>();

        _log.Substitute.ReceivedCalls().Should().BeEmpty();
    }

    [Fact]
    public async Task SearchAuditEvents_NewestFirst_ThePatientsOwnEntriesInTheDateRange()
    {
        var before = await SaveLogEntry(new DateTime(2026, 10, 31, 23, 59, 59, DateTimeKind.Utc));
        var first = await SaveLogEntry(new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc));
        var last = await SaveLogEntry(new DateTime(2026, 11, 30, 23, 59, 59, DateTimeKind.Utc));
        await SaveLogEntry(new DateTime(2026, 11, 15, 0, 0, 0, DateTimeKind.Utc), OtherPatient);

        var all = await Search("AuditEvent", ("patient", Patient.ToString()));
        var november = await Search("AuditEvent", ("patient", Patient.ToString()), ("date", "2026-11"), ("_count", "1"));

        Ids(all).Should().Equal(last.Id.ToString("D"), first.Id.ToString("D"), before.Id.ToString("D"));
        Ids(november).Should().Equal(last.Id.ToString("D"));
        november.Total.Should().Be(2);
        Link(november, "next").Should().Be($"{BaseUrl}/AuditEvent?patient={Patient:D}&date=2026-11&_count=1&_page=2");
        await _access.Received().EnsureAsync(Patient, RecordAction.ReadAccessLog, Arg.Any<CancellationToken>());
        _log.Substitute.Received(2).Record(Patient, AccessAction.RecordsViewed, Arg.Any<AccessActor>(), "fhir:AuditEvent", Patient);
    }

    [Fact]
    public async Task SearchAuditEvents_LaterPages_SkipTheEarlierPagesEntries()
    {
        var entries = new List<AccessLogEntry>();
        for (var i = 0; i < 5; i++)
            entries.Add(await SaveLogEntry(Now.AddMinutes(-i)));

        var page2 = await Search("AuditEvent", ("patient", Patient.ToString()), ("_count", "2"), ("_page", "2"));
        var page3 = await Search("AuditEvent", ("patient", Patient.ToString()), ("_count", "2"), ("_page", "3"));

        Ids(page2).Should().Equal(entries[2].Id.ToString("D"), entries[3].Id.ToString("D"));
        Ids(page3).Should().Equal(entries[4].Id.ToString("D"));
        page3.Total.Should().Be(5);
        Link(page3, "next").Should().BeNull();
    }

    [Theory]
    [InlineData("AllergyIntolerance", ProfileItemId.Allergy, 2)]
    [InlineData("Condition", ProfileItemId.Condition, 1)]
    [InlineData("MedicationStatement", ProfileItemId.Medication, 3)]
    public async Task SearchProfileItems_EachListInOrder_WithItsTotal(string type, string kind, int count)
    {
        await SaveProfile(allergies: 2, conditions: 1, medications: 3);

        var bundle = await Search(type, ("patient", Patient.ToString()));

        Ids(bundle).Should().Equal(Enumerable.Range(0, count).Select(i => Item(kind, i)));
        bundle.Total.Should().Be(count);
        bundle.Entry.Should().OnlyContain(e => e.Resource!.TypeName == type);
        _log.Substitute.Received(1).Record(Patient, AccessAction.ProfileViewed, Arg.Any<AccessActor>(), "fhir:" + type, Patient);
    }

    [Fact]
    public async Task SearchProfileItems_SecondPage_SkipsTheFirst()
    {
        await SaveProfile(medications: 3);

        var bundle = await Search("MedicationStatement", ("patient", Patient.ToString()), ("_count", "2"), ("_page", "2"));

        Ids(bundle).Should().Equal(Item(ProfileItemId.Medication, 2));
        bundle.Total.Should().Be(3);
        Link(bundle, "next").Should().BeNull();
    }

    [Fact]
    public async Task SearchProfileItems_NoProfileSaved_IsAnEmptySearchset()
    {
        var bundle = await Search("Condition", ("patient", Patient.ToString()));

        bundle.Entry.Should().BeEmpty();
        bundle.Total.Should().Be(0);
    }

    [Fact]
    public async Task SearchProfileItems_PatientIdThatIsADoctor_IsNotFound()
    {
        _access.EnsureAsync(Doctor, Arg.Any<RecordAction>(), Arg.Any<CancellationToken>()).Returns(ActorRole.Doctor);

        await FluentActions.Awaiting(() => Search("Condition", ("patient", Doctor.ToString()))).Should().ThrowAsync<NotFoundException>();
    }

    [Fact]
    public async Task ReadPatient_NamesThePatient_AndLogsTheRead()
    {
        var patient = (FhirPatient)await Read("Patient", Patient.ToString("D"));

        patient.Id.Should().Be(Patient.ToString("D"));
        patient.Name[0].Text.Should().Be("Pat Patient");
        patient.Telecom[0].Value.Should().Be("pat@example.com");
        _log.Substitute.Received(1).Record(Patient, AccessAction.ProfileViewed, new AccessActor(Patient, "Pat Patient", ActorRole.Patient), "fhir:Patient", Patient);
    }

    [Fact]
    public async Task ReadPatient_SavesItsAccessLogLine()
    {
        _log.UseReal();

        await Read("Patient", Patient.ToString("D"));

        await TheSavedLogLineIs(AccessAction.ProfileViewed, "fhir:Patient", Patient);
    }

    [Theory]
    [InlineData("Patient", "0190c0de000070008000000000000001")]
    [InlineData("DocumentReference", "not-a-guid")]
    [InlineData("AuditEvent", "{0190c0de-0000-7000-8000-000000000001}")]
    [InlineData("Condition", "condition-0190c0de000070008000000000000001")]
    [InlineData("Observation", "0190c0de-0000-7000-8000-000000000001")]
    public async Task Read_IdThatCannotNameAResource_IsNotFound_BeforeAnyAccessCheck(string type, string id)
    {
        await FluentActions.Awaiting(() => Read(type, id)).Should().ThrowAsync<NotFoundException>();

        await _access.DidNotReceiveWithAnyArgs().EnsureAsync(default, default, default);
    }

    [Fact]
    public async Task ReadDocument_OwnFile_IsItsDocumentReference_LoggedUnderTheFilesId()
    {
        var file = await SaveFile("lab.pdf");

        var document = (DocumentReference)await Read("DocumentReference", file.Id.ToString("D"));

        document.Id.Should().Be(file.Id.ToString("D"));
        document.Content[0].Attachment!.Title.Should().Be("lab.pdf");
        await _access.Received(1).EnsureAsync(Patient, RecordAction.ListFiles, Arg.Any<CancellationToken>());
        _log.Substitute.Received(1).Record(Patient, AccessAction.RecordsViewed, Arg.Any<AccessActor>(), "fhir:DocumentReference", file.Id);
    }

    [Fact]
    public async Task ReadDocument_DeletedOrUnknownFile_IsNotFound()
    {
        var deleted = await SaveFile("gone.pdf", deleted: true);

        await FluentActions.Awaiting(() => Read("DocumentReference", deleted.Id.ToString("D"))).Should().ThrowAsync<NotFoundException>();
        await FluentActions.Awaiting(() => Read("DocumentReference", Guid.NewGuid().ToString("D"))).Should().ThrowAsync<NotFoundException>();
        _log.Substitute.ReceivedCalls().Should().BeEmpty();
    }

    [Fact]
    public async Task ReadDocument_AnotherPatientsFile_IsNotFound_AfterTheAccessCheckForItsOwner()
    {
        var theirs = await SaveFile("theirs.pdf", owner: OtherPatient);

        await FluentActions.Awaiting(() => Read("DocumentReference", theirs.Id.ToString("D"))).Should().ThrowAsync<NotFoundException>();

        await _access.Received(1).EnsureAsync(OtherPatient, RecordAction.ListFiles, Arg.Any<CancellationToken>());
        _log.Substitute.ReceivedCalls().Should().BeEmpty();
    }

    [Fact]
    public async Task ReadAuditEvent_OwnEntry_IsItsAuditEvent()
    {
        var entry = await SaveLogEntry(Now);

        var audit = (AuditEvent)await Read("AuditEvent", entry.Id.ToString("D"));

        audit.Id.Should().Be(entry.Id.ToString("D"));
        audit.Recorded.Should().Be(new DateTimeOffset(Now, TimeSpan.Zero));
        await _access.Received(1).EnsureAsync(Patient, RecordAction.ReadAccessLog, Arg.Any<CancellationToken>());
        _log.Substitute.Received(1).Record(Patient, AccessAction.RecordsViewed, Arg.Any<AccessActor>(), "fhir:AuditEvent", entry.Id);
    }

    [Fact]
    public async Task ReadAuditEvent_UnknownEntry_IsNotFound()
    {
        await FluentActions.Awaiting(() => Read("AuditEvent", Guid.NewGuid().ToString("D"))).Should().ThrowAsync<NotFoundException>();
    }

    [Theory]
    [InlineData("AllergyIntolerance", ProfileItemId.Allergy, 1, "Allergen 1")]
    [InlineData("Condition", ProfileItemId.Condition, 0, "Condition 0")]
    [InlineData("MedicationStatement", ProfileItemId.Medication, 2, "Medicine 2")]
    public async Task ReadProfileItem_LastItemOfEachList_IsThatItem_LoggedUnderThePatient(string type, string kind, int index, string text)
    {
        await SaveProfile(allergies: 2, conditions: 1, medications: 3);

        var resource = await Read(type, Item(kind, index));

        resource.Id.Should().Be(Item(kind, index));
        resource.TypeName.Should().Be(type);
        var name = resource switch
        {
            AllergyIntolerance a => a.Code!.Text,
            FhirCondition c => c.Code!.Text,
            MedicationStatement m => ((CodeableConcept)m.Medication!).Text,
            _ => null,
        };
        name.Should().Be(text);
        _log.Substitute.Received(1).Record(Patient, AccessAction.ProfileViewed, Arg.Any<AccessActor>(), "fhir:" + type, Patient);
    }

    [Theory]
    [InlineData("AllergyIntolerance", ProfileItemId.Allergy, 2)]
    [InlineData("Condition", ProfileItemId.Condition, 1)]
    [InlineData("MedicationStatement", ProfileItemId.Medication, 3)]
    public async Task ReadProfileItem_OnePastTheEndOfItsList_IsNotFound(string type, string kind, int index)
    {
        await SaveProfile(allergies: 2, conditions: 1, medications: 3);

        await FluentActions.Awaiting(() => Read(type, Item(kind, index))).Should().ThrowAsync<NotFoundException>();
        _log.Substitute.ReceivedCalls().Should().BeEmpty();
    }

    [Fact]
    public async Task ReadProfileItem_NoProfileSaved_IsNotFound()
    {
        await FluentActions.Awaiting(() => Read("Condition", Item(ProfileItemId.Condition, 0))).Should().ThrowAsync<NotFoundException>();
    }

    [Fact]
    public async Task ReadProfileItem_IdOfAnotherKind_IsNotFound()
    {
        await SaveProfile();

        await FluentActions.Awaiting(() => Read("Condition", Item(ProfileItemId.Allergy, 0))).Should().ThrowAsync<NotFoundException>();
    }

    [Fact]
    public async Task ReadBinary_OwnFile_StreamsItsContent_AndLogsTheDownload()
    {
        var file = await SaveFile("lab.pdf");

        await using var content = (await ReadBinary(file.Id.ToString("D"))).Content;

        using var copy = new MemoryStream();
        await content.CopyToAsync(copy);
        copy.ToArray().Should().Equal(_blobs[file.StorageKey]);
        await _access.Received(1).EnsureAsync(Patient, RecordAction.DownloadFile, Arg.Any<CancellationToken>());
        _log.Substitute.Received(1).Record(Patient, AccessAction.FileDownloaded, Arg.Any<AccessActor>(), "fhir:Binary", file.Id);
    }

    [Fact]
    public async Task ReadBinary_SavesItsAccessLogLine()
    {
        _log.UseReal();
        var file = await SaveFile("lab.pdf");

        await (await ReadBinary(file.Id.ToString("D"))).Content.DisposeAsync();

        await TheSavedLogLineIs(AccessAction.FileDownloaded, "fhir:Binary", file.Id);
    }

    [Fact]
    public async Task ReadBinary_AppWithABinaryScope_StreamsTheFile_LoggedUnderTheApp()
    {
        var file = await SaveFile("lab.pdf");
        ThirdPartyApp("patient/Binary.r");

        await using var content = (await ReadBinary(file.Id.ToString("D"))).Content;

        content.Length.Should().Be(_blobs[file.StorageKey].Length);
        _log.Substitute.Received(1).Record(Patient, AccessAction.FileDownloaded,
            new AccessActor(Patient, "Pat Patient via Acme Portal", ActorRole.Patient), "fhir:Binary", file.Id);
    }

    [Fact]
    public async Task ReadBinary_AppWithoutABinaryScope_IsForbiddenNamingBinary_AndOpensNoBlob()
    {
        var file = await SaveFile("lab.pdf");
        ThirdPartyApp("patient/DocumentReference.rs");

        await FluentActions.Awaiting(() => ReadBinary(file.Id.ToString("D"))).Should().ThrowAsync<ForbiddenException>()
            .WithMessage("The token holds no user/ or patient/ scope that allows reading Binary.");
        await _store.DidNotReceiveWithAnyArgs().OpenReadAsync(default!, default!, default);
    }

    [Fact]
    public async Task ReadBinary_DescribesTheFile()
    {
        var file = await SaveFile("lab.pdf");

        var result = await ReadBinary(file.Id.ToString("D"));
        await result.Content.DisposeAsync();

        result.Should().BeEquivalentTo(new { FileName = "lab.pdf", ContentType = "application/pdf", file.SizeBytes, file.Sha256, UploadedAt = Now });
    }

    [Fact]
    public async Task ReadBinary_StoredLengthDiffers_IsCorrupt_ClosesTheStreamAndLogsNothing()
    {
        var file = await SaveFile("lab.pdf", recordedSize: 999);
        var opened = new List<Stream>();
        _store.OpenReadAsync(file.StorageKey, Arg.Any<byte[]>(), Arg.Any<CancellationToken>()).Returns(_ =>
        {
            var stream = new MemoryStream(_blobs[file.StorageKey]);
            opened.Add(stream);
            return stream;
        });

        await FluentActions.Awaiting(() => ReadBinary(file.Id.ToString("D"))).Should().ThrowAsync<StoredContentCorruptException>()
            .WithMessage("The stored content's length differs from the uploaded file's.");

        opened.Should().ContainSingle().Which.CanRead.Should().BeFalse("the stream was disposed");
        _log.Substitute.ReceivedCalls().Should().BeEmpty();
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("0190c0de000070008000000000000001")]
    public async Task ReadBinary_IdNotAUuid_IsNotFound(string id)
    {
        await FluentActions.Awaiting(() => ReadBinary(id)).Should().ThrowAsync<NotFoundException>();
    }

    [Fact]
    public async Task ReadBinary_DeletedOrAnotherPatientsFile_IsNotFound_AndOpensNoBlob()
    {
        var deleted = await SaveFile("gone.pdf", deleted: true);
        var theirs = await SaveFile("theirs.pdf", owner: OtherPatient);

        await FluentActions.Awaiting(() => ReadBinary(deleted.Id.ToString("D"))).Should().ThrowAsync<NotFoundException>();
        await FluentActions.Awaiting(() => ReadBinary(theirs.Id.ToString("D"))).Should().ThrowAsync<NotFoundException>();

        await _store.DidNotReceiveWithAnyArgs().OpenReadAsync(default!, default!, default);
    }

    [Fact]
    public async Task Summary_IsTheIpsOfThePatient_StampedNow_AndLoggedAsAProfileView()
    {
        await SaveProfile();

        var bundle = await Summary(Patient);

        bundle.Type.Should().Be(Bundle.BundleType.Document);
        bundle.Timestamp.Should().Be(new DateTimeOffset(Now, TimeSpan.Zero));
        bundle.Entry.Select(e => e.Resource).OfType<FhirPatient>().Single().Id.Should().Be(Patient.ToString("D"));
        await _access.Received(1).EnsureAsync(Patient, RecordAction.ReadProfile, Arg.Any<CancellationToken>());
        _log.Substitute.Received(1).Record(Patient, AccessAction.ProfileViewed, Arg.Any<AccessActor>(), "fhir:Patient/$summary", Patient);
    }

    [Fact]
    public async Task Summary_SavesItsAccessLogLine()
    {
        _log.UseReal();

        await Summary(Patient);

        await TheSavedLogLineIs(AccessAction.ProfileViewed, "fhir:Patient/$summary", Patient);
    }

    [Fact]
    public async Task Summary_AnotherPatient_IsNotFoundAndLogsNothing()
    {
        await FluentActions.Awaiting(() => Summary(OtherPatient)).Should().ThrowAsync<NotFoundException>();

        _log.Substitute.ReceivedCalls().Should().BeEmpty();
    }
}
