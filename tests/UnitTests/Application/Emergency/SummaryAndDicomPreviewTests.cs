using System.Security.Cryptography;
using System.Text;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Emergency;
using MediVault.Application.Emergency.DownloadSummaryPdf;
using MediVault.Application.Fhir;
using MediVault.Application.Fhir.Ips;
using MediVault.Application.Records.Common;
using MediVault.Application.Records.GetDicomSummary;
using MediVault.Domain.Audit;
using MediVault.Domain.Identity;
using MediVault.Domain.Records;
using MediVault.TestSupport;
using MediVault.UnitTests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace MediVault.UnitTests.Application.Emergency;

/// <summary>
/// The two read-only previews: the printable summary (who is logged, the file name, what is rendered) and the DICOM
/// header (which files have one, deleted files, the stored-length check). Access, log, store and renderer are ports.
/// </summary>
public sealed class SummaryAndDicomPreviewTests : IAsyncLifetime
{
    private static readonly DateTime Now = new(2026, 11, 24, 23, 59, 0, DateTimeKind.Utc);
    private static readonly Guid Patient = Guid.CreateVersion7();
    private static readonly Guid OtherPatient = Guid.CreateVersion7();

    private readonly IRecordAccess _access = Substitute.For<IRecordAccess>();
    private readonly AccessLogPort _accessLog = new(Callers.As(Guid.CreateVersion7(), AccountType.Doctor), new FakeTimeProvider(Now));
    private readonly IUserDirectory _users = Substitute.For<IUserDirectory>();
    private readonly IFileStore _store = Substitute.For<IFileStore>();
    private readonly ISummaryPdfRenderer _renderer = Substitute.For<ISummaryPdfRenderer>();
    private SqliteTestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await SqliteTestDatabase.CreateAsync();
        _access.EnsureAsync(Patient, Arg.Any<RecordAction>(), Arg.Any<CancellationToken>()).Returns(ActorRole.Patient);
        _access.EnsureAsync(OtherPatient, Arg.Any<RecordAction>(), Arg.Any<CancellationToken>()).ThrowsAsync(new NotFoundException());
        _users.FindByIdAsync(Patient, Arg.Any<CancellationToken>())
            .Returns(new UserInfo(Patient, "pat@example.com", "Pat Patient", AccountType.Patient, null, null, Now));
        _renderer.Render(Arg.Any<IpsSummary>(), Arg.Any<DateTime>()).Returns([0x25, 0x50, 0x44, 0x46]);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private async Task<SummaryPdf> Pdf(Guid patient)
    {
        await using var db = _database.NewContext();
        return await new DownloadSummaryPdfHandler(db, _access, new FhirRecords(db, _users, _store), _accessLog.For(db), _renderer, new FakeTimeProvider(Now))
            .Handle(new DownloadSummaryPdf(patient), CancellationToken.None);
    }

    private async Task<MediVault.Application.Records.Common.DicomSummary> Dicom(Guid fileId)
    {
        await using var db = _database.NewContext();
        return await new GetDicomSummaryHandler(db, _access, _accessLog.For(db), _store).Handle(new GetDicomSummary(fileId), CancellationToken.None);
    }

    private async Task<MedicalFile> SaveFile(string contentType, long size = 2048, bool deleted = false)
    {
        var id = Guid.CreateVersion7();
        var file = MedicalFile.Create(id, Patient, Patient, "scan", contentType, size, FileCategory.Imaging, null, null,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("x"))), id.ToString("N"), [1, 2, 3], Now);
        if (deleted)
            file.MarkDeleted(Patient, Now);
        await using var db = _database.NewContext();
        db.MedicalFiles.Add(file);
        await db.SaveChangesAsync();
        return file;
    }

    [Fact]
    public async Task Pdf_ForThePatient_IsTheRenderedSummaryNamedByTheDay_AndNotLogged()
    {
        var pdf = await Pdf(Patient);

        pdf.FileName.Should().Be("medivault-summary-2026-11-24.pdf");
        pdf.Content.Should().Equal(0x25, 0x50, 0x44, 0x46);
        _renderer.Received(1).Render(Arg.Is<IpsSummary>(s => s.PatientName == "Pat Patient" && !s.HasProfile), Now);
        await _access.Received(1).EnsureAsync(Patient, RecordAction.ReadProfile, Arg.Any<CancellationToken>());
        _accessLog.Substitute.ReceivedCalls().Should().BeEmpty();
    }

    [Fact]
    public async Task Pdf_ForAGrantedDoctor_IsLoggedAsAProfileView()
    {
        _access.EnsureAsync(Patient, Arg.Any<RecordAction>(), Arg.Any<CancellationToken>()).Returns(ActorRole.Doctor);

        await Pdf(Patient);

        _accessLog.Substitute.Received(1).Record(Patient, AccessAction.ProfileViewed, ActorRole.Doctor, ResourceTypes.EmergencyProfile, Patient);
    }

    [Fact]
    public async Task Pdf_ForAGrantedDoctor_IsSavedInThePatientsLog()
    {
        _access.EnsureAsync(Patient, Arg.Any<RecordAction>(), Arg.Any<CancellationToken>()).Returns(ActorRole.Doctor);
        _accessLog.UseReal();

        await Pdf(Patient);

        await using var check = _database.NewContext();
        (await check.AccessLogEntries.CountAsync(e => e.PatientId == Patient && e.Action == AccessAction.ProfileViewed)).Should().Be(1);
    }

    [Fact]
    public async Task Pdf_AnotherPatient_IsNotFound_AndNothingIsRendered()
    {
        await FluentActions.Awaiting(() => Pdf(OtherPatient)).Should().ThrowAsync<NotFoundException>();

        _renderer.ReceivedCalls().Should().BeEmpty();
    }

    [Theory]
    [InlineData("application/pdf", "This file is PDF, not DICOM*")]
    [InlineData("text/plain", "This file is plain UTF-8 text, not DICOM*")]
    [InlineData("application/x-unknown", "This file is application/x-unknown, not DICOM*")]
    public async Task Dicom_OfAnotherType_Is422NamingTheType_AndOpensNoBlob(string contentType, string message)
    {
        var file = await SaveFile(contentType);

        await FluentActions.Awaiting(() => Dicom(file.Id)).Should().ThrowAsync<UnprocessableContentException>().WithMessage(message);

        _store.ReceivedCalls().Should().BeEmpty();
    }

    [Fact]
    public async Task Dicom_DeletedOrUnknownFile_IsNotFound_BeforeAnyAccessCheck()
    {
        var deleted = await SaveFile("application/dicom", deleted: true);

        await FluentActions.Awaiting(() => Dicom(deleted.Id)).Should().ThrowAsync<NotFoundException>();
        await FluentActions.Awaiting(() => Dicom(Guid.NewGuid())).Should().ThrowAsync<NotFoundException>();

        await _access.DidNotReceiveWithAnyArgs().EnsureAsync(default, default, default);
    }

    [Fact]
    public async Task Dicom_StoredLengthDiffers_IsCorrupt_AndADoctorsReadIsLoggedFirst()
    {
        var file = await SaveFile("application/dicom", size: 2048);
        _store.OpenRead(file.StorageKey, Arg.Any<byte[]>()).Returns(new MemoryStream(new byte[2047]));
        _access.EnsureAsync(Patient, Arg.Any<RecordAction>(), Arg.Any<CancellationToken>()).Returns(ActorRole.Doctor);

        await FluentActions.Awaiting(() => Dicom(file.Id)).Should().ThrowAsync<StoredContentCorruptException>()
            .WithMessage("The stored content's length differs from the uploaded file's.");

        await _access.Received(1).EnsureAsync(Patient, RecordAction.DownloadFile, Arg.Any<CancellationToken>());
        _accessLog.Substitute.Received(1).Record(Patient, AccessAction.RecordsViewed, ActorRole.Doctor, "file", file.Id);
    }

    [Fact]
    public async Task Dicom_ForAGrantedDoctor_IsSavedInThePatientsLog_EvenWhenTheContentThenFails()
    {
        var file = await SaveFile("application/dicom", size: 2048);
        _store.OpenRead(file.StorageKey, Arg.Any<byte[]>()).Returns(new MemoryStream(new byte[2047]));
        _access.EnsureAsync(Patient, Arg.Any<RecordAction>(), Arg.Any<CancellationToken>()).Returns(ActorRole.Doctor);
        _accessLog.UseReal();

        await FluentActions.Awaiting(() => Dicom(file.Id)).Should().ThrowAsync<StoredContentCorruptException>();

        await using var check = _database.NewContext();
        (await check.AccessLogEntries.CountAsync(e => e.PatientId == Patient && e.Action == AccessAction.RecordsViewed && e.ResourceId == file.Id)).Should().Be(1);
    }

    [Fact]
    public async Task Dicom_WholeFile_GivesItsStudy()
    {
        var bytes = Dcmtk.Write(Dcmtk.ChestCt, "+te");
        var file = await SaveFile("application/dicom", size: bytes.Length);
        _store.OpenRead(file.StorageKey, Arg.Any<byte[]>()).Returns(new MemoryStream(bytes));

        var summary = await Dicom(file.Id);

        summary.Should().BeEquivalentTo(new { Modality = "CT", BodyPartExamined = "CHEST", Rows = 4, Columns = 6 });
    }

    [Fact]
    public async Task Dicom_LargerThanTheReadLimit_GivesWhatItsFirstBytesHold()
    {
        var header = Dcmtk.Write(Dcmtk.ChestCt, "+te");
        var bodyPart = header.AsSpan().IndexOf(new byte[] { 0x18, 0x00, 0x15, 0x00, (byte)'C', (byte)'S' });
        const int Large = 2 * DicomHeader.ReadLimitBytes;
        byte[] bytes = [.. header[..bodyPart], 0x11, 0x00, 0x10, 0x10, (byte)'O', (byte)'B', 0, 0, .. BitConverter.GetBytes(Large), .. new byte[Large], .. header[bodyPart..]];
        var file = await SaveFile("application/dicom", size: bytes.Length);
        _store.OpenRead(file.StorageKey, Arg.Any<byte[]>()).Returns(new MemoryStream(bytes));

        var summary = await Dicom(file.Id);

        summary.Modality.Should().Be("CT");
        summary.BodyPartExamined.Should().BeNull("it lies past the first mebibyte, where reading stops");
    }
}
