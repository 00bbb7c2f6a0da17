using System.Security.Cryptography;
using System.Text;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Records.DeleteFile;
using MediVault.Application.Records.GetFileContent;
using MediVault.Application.Records.GetFileReceipt;
using MediVault.Application.Records.ListFiles;
using MediVault.Application.Records.VerifyFile;
using MediVault.Domain.Audit;
using MediVault.Domain.Identity;
using MediVault.Domain.Ledger;
using MediVault.Domain.Records;
using MediVault.Infrastructure.Records;
using MediVault.UnitTests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace MediVault.UnitTests.Application.Records;

/// <summary>
/// Listing, downloading, verifying, deleting a file and its receipt, against the real file table; the access decision,
/// the access log, the blob store, the ledger and the transparency log are ports.
/// </summary>
public sealed class FileHandlersTests : IAsyncLifetime
{
    private static readonly DateTime Now = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);
    private static readonly Guid Patient = Guid.CreateVersion7();
    private static readonly Guid OtherPatient = Guid.CreateVersion7();
    private static readonly Guid Doctor = Guid.CreateVersion7();

    private readonly IRecordAccess _access = Substitute.For<IRecordAccess>();
    private readonly AccessLogPort _accessLog = new(Callers.As(Doctor, AccountType.Doctor), new FakeTimeProvider(Now));
    private readonly IFileStore _store = Substitute.For<IFileStore>();
    private readonly IUserDirectory _users = Substitute.For<IUserDirectory>();
    private readonly ITransparencyLog _log = Substitute.For<ITransparencyLog>();
    private readonly ISecureErasure _erasure = Substitute.For<ISecureErasure>();
    private readonly SavingLedger _ledger = new(Now);
    private readonly Dictionary<string, byte[]> _blobs = [];
    private SqliteTestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await SqliteTestDatabase.CreateAsync();
        _access.EnsureAsync(Patient, Arg.Any<RecordAction>(), Arg.Any<CancellationToken>()).Returns(ActorRole.Patient);
        _access.EnsureAsync(OtherPatient, Arg.Any<RecordAction>(), Arg.Any<CancellationToken>()).ThrowsAsync(new NotFoundException());
        _store.OpenRead(Arg.Any<string>(), Arg.Any<byte[]>()).Returns(call => StoredBlob(call.Arg<string>()));
        _store.OpenReadAsync(Arg.Any<string>(), Arg.Any<byte[]>(), Arg.Any<CancellationToken>()).Returns(call => StoredBlob(call.Arg<string>()));
        _users.FindManyAsync(Arg.Any<IEnumerable<Guid>>(), Arg.Any<CancellationToken>()).Returns(call =>
            (IReadOnlyDictionary<Guid, UserInfo>)call.Arg<IEnumerable<Guid>>().Where(id => id == Doctor)
                .ToDictionary(id => id, id => new UserInfo(id, "d@example.com", "Dr. Dana", AccountType.Doctor, "LIC-1", "GP", Now)));
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    /// <summary>Every stream the store handed out, to check that the handlers close what they refuse to serve.</summary>
    private readonly List<Stream> _opened = [];

    private MemoryStream StoredBlob(string storageKey)
    {
        var stream = _blobs.TryGetValue(storageKey, out var bytes)
            ? new MemoryStream(bytes, writable: false)
            : throw new StoredContentCorruptException("no such blob");
        _opened.Add(stream);
        return stream;
    }

    private void ActAsDoctor() =>
        _access.EnsureAsync(Patient, Arg.Any<RecordAction>(), Arg.Any<CancellationToken>()).Returns(ActorRole.Doctor);

    /// <summary>A stored file whose blob holds <paramref name="content"/>, anchored to a matching ledger block.</summary>
    private async Task<MedicalFile> SaveFile(
        string name = "report.pdf", string content = "%PDF-1.7 lab", DateTime? uploadedAt = null, Guid? owner = null,
        Guid? uploadedBy = null, FileCategory category = FileCategory.LabReport, string contentType = "application/pdf",
        long? recordedSize = null, string? description = null)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var id = Guid.CreateVersion7();
        var storageKey = id.ToString("N");
        var file = MedicalFile.Create(id, owner ?? Patient, uploadedBy ?? owner ?? Patient, name, contentType, recordedSize ?? bytes.Length,
            category, description, null, sha256, storageKey, [1, 2, 3], uploadedAt ?? Now);
        await using var db = _database.NewContext();
        var index = await db.LedgerBlocks.CountAsync() + 1;
        var blockHash = Convert.ToHexStringLower(SHA256.HashData(id.ToByteArray()));
        db.LedgerBlocks.Add(LedgerBlock.Create(index, Now, LedgerBlockKind.FileUploaded, id, file.OwnerId, sha256, new string('0', 64), blockHash));
        file.AnchorTo(index, blockHash);
        db.MedicalFiles.Add(file);
        await db.SaveChangesAsync();
        _blobs[storageKey] = bytes;
        return file;
    }

    private async Task<MedicalFile> Stored(Guid id)
    {
        await using var db = _database.NewContext();
        return await db.MedicalFiles.AsNoTracking().SingleAsync(f => f.Id == id);
    }

    private async Task<T> Run<T>(Func<MediVault.Infrastructure.Persistence.AppDbContext, ValueTask<T>> handle)
    {
        await using var db = _database.NewContext();
        _ledger.Context = db;
        return await handle(db);
    }

    private Task<MediVault.Application.Common.Paging.Paged<MediVault.Application.Records.Common.FileDto>> List(
        string? category = null, string? q = null, int page = 1, int pageSize = 20, Guid? owner = null) =>
        Run(db => new ListFilesHandler(db, new CompiledFileListing(db), _access, _accessLog.For(db), _users)
            .Handle(new ListFiles(owner ?? Patient, category, q, page, pageSize), CancellationToken.None));

    private Task<FileContent> Download(Guid id) =>
        Run(db => new GetFileContentHandler(db, _access, _accessLog.For(db), _store).Handle(new GetFileContent(id), CancellationToken.None));

    private Task<FileVerification> Verify(Guid id) =>
        Run(db => new VerifyFileHandler(db, _access, _store, _ledger.Port, _accessLog.For(db)).Handle(new VerifyFile(id), CancellationToken.None));

    private readonly ListLogger<DeleteFileHandler> _deleteLog = new();

    private Task<Mediator.Unit> Delete(Guid id, Guid? caller = null) =>
        Run(db => new DeleteFileHandler(db, Callers.As(caller ?? Patient, AccountType.Patient), _access, _accessLog.For(db), _ledger.Port, _store,
            _erasure, new FakeTimeProvider(Now.AddHours(1)), _deleteLog).Handle(new DeleteFile(id), CancellationToken.None));

    private Task<string> Receipt(Guid id) =>
        Run(db => new GetFileReceiptHandler(db, _access, _accessLog.For(db), _log).Handle(new GetFileReceipt(id), CancellationToken.None));

    // ---- list

    [Fact]
    public async Task List_NewestFirst_LeavesOutDeletedAndOtherPatientsFiles()
    {
        await SaveFile("older.pdf", uploadedAt: Now.AddDays(-2));
        var newer = await SaveFile("newer.pdf", uploadedAt: Now.AddDays(-1));
        var deleted = await SaveFile("deleted.pdf", uploadedAt: Now);
        await SaveFile("theirs.pdf", owner: OtherPatient);
        await Delete(deleted.Id);

        var page = await List();

        page.Items.Select(f => f.FileName).Should().Equal("newer.pdf", "older.pdf");
        page.TotalCount.Should().Be(2);
        page.Items[0].Should().BeEquivalentTo(new
        {
            newer.Id,
            OwnerId = Patient,
            UploadedById = Patient,
            ContentType = "application/pdf",
            newer.SizeBytes,
            Category = FileCategory.LabReport,
            newer.Sha256,
            UploadedAt = Now.AddDays(-1),
            newer.LedgerIndex,
            newer.LedgerHash,
            UploadedByName = (string?)null,
        });
    }

    [Fact]
    public async Task List_SameUploadTime_NewestIdFirst()
    {
        var first = await SaveFile("first.pdf");
        var second = await SaveFile("second.pdf");

        (await List()).Items.Select(f => f.Id).Should().Equal(second.Id, first.Id);
    }

    [Fact]
    public async Task List_ByCategory_OnlyThatCategory_AndAnUnknownCategoryDoesNotFilter()
    {
        await SaveFile("lab.pdf", category: FileCategory.LabReport);
        await SaveFile("scan.png", category: FileCategory.Imaging, uploadedAt: Now.AddMinutes(1));

        (await List(category: "imaging")).Items.Select(f => f.FileName).Should().Equal("scan.png");
        (await List(category: "lab-report")).Items.Select(f => f.FileName).Should().Equal("lab.pdf");
        (await List(category: "")).Items.Should().HaveCount(2);
    }

    [Fact]
    public async Task List_Paging_SkipsWholePagesAndCountsEverything()
    {
        for (var i = 0; i < 5; i++)
            await SaveFile($"f{i}.pdf", uploadedAt: Now.AddMinutes(i));

        var second = await List(page: 2, pageSize: 2);

        second.Items.Select(f => f.FileName).Should().Equal("f2.pdf", "f1.pdf");
        second.Should().BeEquivalentTo(new { Page = 2, PageSize = 2, TotalCount = 5 });
    }

    [Fact]
    public async Task List_AFullPageOfOneCategory_CountsOnlyThatCategorysUndeletedFilesOfTheOwner()
    {
        // A full page makes the list count the rows, with the same filter as the page.
        for (var i = 0; i < 3; i++)
            await SaveFile($"lab{i}.pdf", category: FileCategory.LabReport, uploadedAt: Now.AddMinutes(i));
        await SaveFile("scan.png", category: FileCategory.Imaging);
        await Delete((await SaveFile("gone.pdf", category: FileCategory.LabReport)).Id);
        await SaveFile("theirs.pdf", category: FileCategory.LabReport, owner: OtherPatient);

        var first = await List(category: "lab-report", pageSize: 2);

        first.Items.Select(f => f.FileName).Should().Equal("lab2.pdf", "lab1.pdf");
        first.TotalCount.Should().Be(3);
    }

    [Fact]
    public async Task List_Search_MatchesTheFileNameIgnoringCaseAndSpaces_AndPagesTheMatches()
    {
        await SaveFile("Blood-Count-May.pdf", uploadedAt: Now.AddMinutes(1));
        await SaveFile("x-ray.png", uploadedAt: Now.AddMinutes(2));
        await SaveFile("blood-count-june.pdf", uploadedAt: Now.AddMinutes(3));
        await SaveFile("blood-count-july.pdf", uploadedAt: Now.AddMinutes(4));

        var first = await List(q: "  BLOOD  ", pageSize: 2);
        var second = await List(q: "blood", page: 2, pageSize: 2);

        first.Items.Select(f => f.FileName).Should().Equal("blood-count-july.pdf", "blood-count-june.pdf");
        first.Should().BeEquivalentTo(new { Page = 1, PageSize = 2, TotalCount = 3 });
        second.Items.Select(f => f.FileName).Should().Equal("Blood-Count-May.pdf");
        second.TotalCount.Should().Be(3);
        (await List(q: "50%_")).Items.Should().BeEmpty("% and _ are plain characters, not wildcards");
    }

    [Fact]
    public async Task List_Search_MatchesTheSealedDescriptionToo()
    {
        await SaveFile("a.pdf", description: "Fasting CHOLESTEROL panel");
        await SaveFile("b.pdf", uploadedAt: Now.AddMinutes(1));

        var found = await List(q: "cholesterol");

        found.Items.Should().ContainSingle().Which.Should().BeEquivalentTo(new { FileName = "a.pdf", Description = "Fasting CHOLESTEROL panel" });
    }

    [Fact]
    public async Task List_AsThePatient_LogsNothing()
    {
        await SaveFile();

        await List();

        _accessLog.Substitute.ReceivedCalls().Should().BeEmpty();
    }

    [Fact]
    public async Task List_AsADoctor_LogsTheViewOnThePatientsRecord()
    {
        ActAsDoctor();
        await SaveFile();

        await List();

        _accessLog.Substitute.Received(1).Record(Patient, AccessAction.RecordsViewed, ActorRole.Doctor, "file", null);
    }

    [Fact]
    public async Task List_FileAddedByADoctor_NamesTheDoctor_InTheSearchToo()
    {
        await SaveFile("mine.pdf");
        await SaveFile("from-doctor.pdf", uploadedBy: Doctor, uploadedAt: Now.AddMinutes(1));

        var page = await List();
        var found = await List(q: "doctor");

        page.Items.Select(f => f.UploadedByName).Should().Equal("Dr. Dana", null);
        found.Items.Should().ContainSingle().Which.UploadedByName.Should().Be("Dr. Dana");
    }

    [Fact]
    public async Task List_OwnFilesOnly_AsksTheDirectoryNothing()
    {
        await SaveFile();

        await List();

        await _users.DidNotReceiveWithAnyArgs().FindManyAsync(default!, default);
    }

    [Fact]
    public async Task List_Refused_ReadsNothing()
    {
        await SaveFile(owner: OtherPatient);

        var act = () => List(owner: OtherPatient);

        await act.Should().ThrowAsync<NotFoundException>();
        await _access.Received(1).EnsureAsync(OtherPatient, RecordAction.ListFiles, Arg.Any<CancellationToken>());
    }

    // ---- download

    [Fact]
    public async Task Download_OwnFile_OpensTheContentAndLogsTheDownload()
    {
        var file = await SaveFile("report.pdf", "%PDF-1.7 hello");

        var content = await Download(file.Id);

        await using (content.Content)
        {
            new StreamReader(content.Content).ReadToEnd().Should().Be("%PDF-1.7 hello");
            content.Should().BeEquivalentTo(new { FileName = "report.pdf", ContentType = "application/pdf", SizeBytes = 14L, file.Sha256, UploadedAt = Now });
        }
        await _access.Received(1).EnsureAsync(Patient, RecordAction.DownloadFile, Arg.Any<CancellationToken>());
        _accessLog.Substitute.Received(1).Record(Patient, AccessAction.FileDownloaded, ActorRole.Patient, "file", file.Id);
    }

    [Fact]
    public async Task Download_PlainText_IsLabelledUtf8()
    {
        var file = await SaveFile("notes.txt", "plain", contentType: "text/plain");

        var content = await Download(file.Id);

        await using (content.Content)
            content.ContentType.Should().Be("text/plain; charset=utf-8");
    }

    [Fact]
    public async Task Download_StoredLengthDiffers_IsCorruptLogsNothingAndClosesTheContent()
    {
        var file = await SaveFile(content: "%PDF-1.7 hello", recordedSize: 15);

        var act = () => Download(file.Id);

        await act.Should().ThrowAsync<StoredContentCorruptException>().WithMessage("*length differs*");
        _accessLog.Substitute.ReceivedCalls().Should().BeEmpty();
        _opened.Should().ContainSingle().Which.CanRead.Should().BeFalse("the refused content is closed, not left to the collector");
    }

    [Fact]
    public async Task Download_UnknownDeletedOrRefused_IsNotFound()
    {
        var deleted = await SaveFile();
        await Delete(deleted.Id);
        var theirs = await SaveFile(owner: OtherPatient);

        await FluentActions.Awaiting(() => Download(Guid.CreateVersion7())).Should().ThrowAsync<NotFoundException>();
        await FluentActions.Awaiting(() => Download(deleted.Id)).Should().ThrowAsync<NotFoundException>();
        await FluentActions.Awaiting(() => Download(theirs.Id)).Should().ThrowAsync<NotFoundException>();
        _store.DidNotReceiveWithAnyArgs().OpenRead(default!, default!);
        await _store.DidNotReceiveWithAnyArgs().OpenReadAsync(default!, default!, default);
    }

    [Fact]
    public async Task Authenticate_ReadsTheRangeAndRewinds()
    {
        var stream = new CountingStream(new byte[200_000]);
        var content = new FileContent(stream, "a.bin", "application/octet-stream", 200_000, new string('a', 64), Now);

        await content.AuthenticateAsync(100, 150_000, CancellationToken.None);

        stream.BytesRead.Should().Be(150_000);
        stream.FirstReadAt.Should().Be(100);
        stream.Position.Should().Be(0);
    }

    [Fact]
    public async Task Authenticate_ContentShorterThanTheRange_IsCorrupt()
    {
        var content = new FileContent(new MemoryStream(new byte[10]), "a.bin", "application/octet-stream", 20, new string('a', 64), Now);

        var act = () => content.AuthenticateAsync(5, 6, CancellationToken.None);

        await act.Should().ThrowAsync<StoredContentCorruptException>().WithMessage("*shorter than the uploaded file*");
    }

    [Fact]
    public async Task Authenticate_RangeEndingAtTheEnd_Passes()
    {
        var content = new FileContent(new MemoryStream(new byte[10]), "a.bin", "application/octet-stream", 10, new string('a', 64), Now);

        await content.AuthenticateAsync(4, 6, CancellationToken.None);

        content.Content.Position.Should().Be(0);
    }

    // ---- verify

    [Fact]
    public async Task Verify_IntactFileAndBlock_IsIntactOnBothCounts()
    {
        var file = await SaveFile();
        _ledger.Port.VerifyBlockAsync(file.LedgerIndex, Arg.Any<CancellationToken>()).Returns(true);

        var result = await Verify(file.Id);

        result.Should().Be(new FileVerification(file.Id, file.Sha256, true, file.LedgerIndex, true));
        await _access.Received(1).EnsureAsync(Patient, RecordAction.VerifyFile, Arg.Any<CancellationToken>());
        _accessLog.Substitute.ReceivedCalls().Should().BeEmpty("the owner checking their own file is not logged");
    }

    [Fact]
    public async Task Verify_ContentChanged_IsNotIntact()
    {
        var file = await SaveFile(content: "original");
        _blobs[file.StorageKey] = Encoding.UTF8.GetBytes("tampered");
        _ledger.Port.VerifyBlockAsync(file.LedgerIndex, Arg.Any<CancellationToken>()).Returns(true);

        var result = await Verify(file.Id);

        result.Intact.Should().BeFalse();
        result.LedgerIntact.Should().BeTrue();
    }

    [Fact]
    public async Task Verify_BlobUnreadable_IsNotIntact()
    {
        var file = await SaveFile();
        _blobs.Remove(file.StorageKey);

        (await Verify(file.Id)).Intact.Should().BeFalse();
    }

    [Fact]
    public async Task Verify_BlockFailsItsOwnCheck_LedgerIsNotIntact()
    {
        var file = await SaveFile();
        _ledger.Port.VerifyBlockAsync(file.LedgerIndex, Arg.Any<CancellationToken>()).Returns(false);

        var result = await Verify(file.Id);

        result.Intact.Should().BeTrue();
        result.LedgerIntact.Should().BeFalse();
    }

    public static TheoryData<string> BlockChanges => ["kind", "resource", "payload", "hash", "missing"];

    [Theory]
    [MemberData(nameof(BlockChanges))]
    public async Task Verify_BlockThatDoesNotDescribeTheFile_LedgerIsNotIntact(string change)
    {
        var file = await SaveFile();
        _ledger.Port.VerifyBlockAsync(Arg.Any<long>(), Arg.Any<CancellationToken>()).Returns(true);
        await using (var db = _database.NewContext())
        {
            var block = await db.LedgerBlocks.SingleAsync(b => b.Index == file.LedgerIndex);
            db.LedgerBlocks.Remove(block);
            await db.SaveChangesAsync();
            if (change != "missing")
            {
                db.LedgerBlocks.Add(LedgerBlock.Create(block.Index, block.Timestamp,
                    change == "kind" ? LedgerBlockKind.FileDeleted : block.Kind,
                    change == "resource" ? Guid.CreateVersion7() : block.ResourceId,
                    block.SubjectId,
                    change == "payload" ? new string('e', 64) : block.PayloadHash,
                    block.PreviousHash,
                    change == "hash" ? new string('f', 64) : block.Hash));
                await db.SaveChangesAsync();
            }
        }

        var result = await Verify(file.Id);

        result.Intact.Should().BeTrue();
        result.LedgerIntact.Should().BeFalse();
    }

    [Fact]
    public async Task Verify_AsADoctor_LogsTheViewOfThatFile()
    {
        ActAsDoctor();
        var file = await SaveFile();

        await Verify(file.Id);

        _accessLog.Substitute.Received(1).Record(Patient, AccessAction.RecordsViewed, ActorRole.Doctor, "file", file.Id);
    }

    [Fact]
    public async Task Verify_UnknownOrDeleted_IsNotFound()
    {
        var deleted = await SaveFile();
        await Delete(deleted.Id);

        await FluentActions.Awaiting(() => Verify(Guid.CreateVersion7())).Should().ThrowAsync<NotFoundException>();
        await FluentActions.Awaiting(() => Verify(deleted.Id)).Should().ThrowAsync<NotFoundException>();
    }

    // ---- delete

    [Fact]
    public async Task Delete_OwnFile_DestroysTheKeyAnchorsTheDeletionRemovesTheBlobAndErases()
    {
        var file = await SaveFile();

        await Delete(file.Id);

        var stored = await Stored(file.Id);
        stored.Should().BeEquivalentTo(new { DeletedAt = (DateTime?)Now.AddHours(1), DeletedById = (Guid?)Patient, WrappedKey = (byte[]?)null });
        _ledger.Committed.Should().Equal(new LedgerEvent(LedgerBlockKind.FileDeleted, file.Id, Patient, file.Sha256));
        await _access.Received(1).EnsureAsync(Patient, RecordAction.DeleteFile, Arg.Any<CancellationToken>());
        _accessLog.Substitute.Received(1).Record(Patient, AccessAction.FileDeleted, ActorRole.Patient, "file", file.Id);
        _store.Received(1).Delete(file.StorageKey);
        await _erasure.Received(1).EraseRemovedDataAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Delete_BlobCannotBeRemovedNow_TheDeletionStandsAndErasureStillRuns()
    {
        var file = await SaveFile();
        var busy = new BlobStoreUnavailableException("busy");
        _store.When(s => s.Delete(file.StorageKey)).Throw(busy);

        await Delete(file.Id);

        (await Stored(file.Id)).IsDeleted.Should().BeTrue();
        await _erasure.Received(1).EraseRemovedDataAsync(CancellationToken.None);
        _deleteLog.Entries.Should().ContainSingle(e => e.Exception == busy, "the blob left behind is logged for the operator");
    }

    [Fact]
    public async Task Delete_Twice_IsNotFoundTheSecondTime()
    {
        var file = await SaveFile();
        await Delete(file.Id);

        var again = () => Delete(file.Id);

        await again.Should().ThrowAsync<NotFoundException>();
        _ledger.Committed.Should().ContainSingle();
    }

    [Fact]
    public async Task Delete_Refused_ChangesNothing()
    {
        var file = await SaveFile(owner: OtherPatient);

        var act = () => Delete(file.Id);

        await act.Should().ThrowAsync<NotFoundException>();
        (await Stored(file.Id)).IsDeleted.Should().BeFalse();
        _ledger.Committed.Should().BeEmpty();
        _store.DidNotReceiveWithAnyArgs().Delete(default!);
    }

    // ---- receipt

    [Fact]
    public async Task Receipt_OwnFile_IsTheLogsReceiptForItsEntry()
    {
        var file = await SaveFile();
        _log.ReceiptAsync(file.LedgerIndex, Arg.Any<CancellationToken>()).Returns("receipt-text");

        (await Receipt(file.Id)).Should().Be("receipt-text");
        await _access.Received(1).EnsureAsync(Patient, RecordAction.VerifyFile, Arg.Any<CancellationToken>());
        _accessLog.Substitute.ReceivedCalls().Should().BeEmpty();
    }

    [Fact]
    public async Task Receipt_AsADoctor_LogsTheView()
    {
        ActAsDoctor();
        var file = await SaveFile();
        _log.ReceiptAsync(file.LedgerIndex, Arg.Any<CancellationToken>()).Returns("receipt-text");

        await Receipt(file.Id);

        _accessLog.Substitute.Received(1).Record(Patient, AccessAction.RecordsViewed, ActorRole.Doctor, "file", file.Id);
    }

    /// <summary>A doctor's read is not only handed to the log: the handler saves it in the patient's access log.</summary>
    [Theory]
    [InlineData("list", AccessAction.RecordsViewed)]
    [InlineData("download", AccessAction.FileDownloaded)]
    [InlineData("verify", AccessAction.RecordsViewed)]
    [InlineData("receipt", AccessAction.RecordsViewed)]
    public async Task DoctorsRead_IsSavedInThePatientsLog(string read, AccessAction action)
    {
        ActAsDoctor();
        var file = await SaveFile();
        _log.ReceiptAsync(file.LedgerIndex, Arg.Any<CancellationToken>()).Returns("receipt-text");
        _accessLog.UseReal();

        switch (read)
        {
            case "list": await List(); break;
            case "download": await (await Download(file.Id)).Content.DisposeAsync(); break;
            case "verify": await Verify(file.Id); break;
            default: await Receipt(file.Id); break;
        }

        await using var check = _database.NewContext();
        (await check.AccessLogEntries.CountAsync(e => e.PatientId == Patient && e.Action == action && e.ActorId == Doctor && e.ActorRole == ActorRole.Doctor)).Should().Be(1);
    }

    [Fact]
    public async Task Receipt_EntryMissingFromTheLog_IsNotFoundNamingIt()
    {
        var file = await SaveFile();
        _log.ReceiptAsync(Arg.Any<long>(), Arg.Any<CancellationToken>()).Returns((string?)null);

        var act = () => Receipt(file.Id);

        (await act.Should().ThrowAsync<NotFoundException>()).Which.Message.Should().Contain("ledger entry");
    }

    [Fact]
    public async Task Receipt_UnknownOrDeleted_IsNotFound()
    {
        var deleted = await SaveFile();
        await Delete(deleted.Id);

        await FluentActions.Awaiting(() => Receipt(Guid.CreateVersion7())).Should().ThrowAsync<NotFoundException>();
        await FluentActions.Awaiting(() => Receipt(deleted.Id)).Should().ThrowAsync<NotFoundException>();
        await _log.DidNotReceiveWithAnyArgs().ReceiptAsync(default, default);
    }

    /// <summary>A stream that remembers where reading started and how much was read.</summary>
    private sealed class CountingStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public long BytesRead { get; private set; }
        public long? FirstReadAt { get; private set; }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            FirstReadAt ??= Position;
            var read = await base.ReadAsync(buffer, cancellationToken);
            BytesRead += read;
            return read;
        }
    }
}
