using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Records.UploadFile;
using MediVault.Domain.Audit;
using MediVault.Domain.Identity;
using MediVault.Domain.Ledger;
using MediVault.Domain.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace MediVault.UnitTests.Application.Records;

public class UploadFileHandlerTests
{
    private readonly Guid _patientId = Guid.CreateVersion7();
    private readonly IAppDbContext _db = Substitute.For<IAppDbContext>();
    private readonly ICurrentUser _user = Substitute.For<ICurrentUser>();
    private readonly IRecordAccess _access = Substitute.For<IRecordAccess>();
    private readonly IAccessLog _accessLog = Substitute.For<IAccessLog>();
    private readonly ILedger _ledger = Substitute.For<ILedger>();
    private readonly IFileStore _store = Substitute.For<IFileStore>();
    private readonly IStagedBlob _blob = Substitute.For<IStagedBlob>();

    public UploadFileHandlerTests()
    {
        _db.MedicalFiles.Returns(Substitute.For<DbSet<MedicalFile>>());
        _user.UserId.Returns(_patientId);
        _user.AccountType.Returns(AccountType.Patient);
        _access.EnsureAsync(_patientId, RecordAction.UploadFile, Arg.Any<CancellationToken>()).Returns(ActorRole.Patient);
        _blob.StorageKey.Returns("0123456789abcdef0123456789abcdef");
        _blob.WrappedKey.Returns(new byte[61]);
    }

    private UploadFileHandler Handler() =>
        new(_db, _user, _access, _accessLog, _ledger, _store, new FakeTimeProvider(DateTimeOffset.UtcNow));

    private UploadFile Command() =>
        new(null, "lab-report", "note", "2026-11-01", new ReceivedUpload(_blob, "a.pdf", "application/pdf", 10, new string('a', 64)));

    [Fact]
    public async Task Handle_LedgerCommitFails_RemovesThePublishedBlob()
    {
        _ledger.CommitAsync(Arg.Any<LedgerEvent>(), Arg.Any<Action<LedgerBlock>?>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new InvalidOperationException("disk full"));

        var act = async () => await Handler().Handle(Command(), CancellationToken.None);

        await act.Should().ThrowAsync<InvalidOperationException>();
        await _blob.Received(1).PublishAsync(Arg.Any<CancellationToken>());
        _store.Received(1).Delete("0123456789abcdef0123456789abcdef");
    }

    [Fact]
    public async Task Handle_AccessRefused_NeverPublishesTheBlob()
    {
        _access.EnsureAsync(_patientId, RecordAction.UploadFile, Arg.Any<CancellationToken>())
            .ThrowsAsync(new MediVault.Application.Common.Exceptions.NotFoundException());

        var act = async () => await Handler().Handle(Command(), CancellationToken.None);

        await act.Should().ThrowAsync<MediVault.Application.Common.Exceptions.NotFoundException>();
        await _blob.DidNotReceive().PublishAsync(Arg.Any<CancellationToken>());
        await _ledger.DidNotReceiveWithAnyArgs().CommitAsync(default!, default, default);
    }

    [Fact]
    public async Task Handle_Success_CommitsAFileUploadedBlockForThePatientsFile()
    {
        LedgerEvent? committed = null;
        _ledger.CommitAsync(Arg.Do<LedgerEvent>(e => committed = e), Arg.Any<Action<LedgerBlock>?>(), Arg.Any<CancellationToken>())
            .Returns(call =>
            {
                var block = LedgerBlock.Create(7, DateTime.UtcNow, LedgerBlockKind.FileUploaded, committed!.ResourceId, _patientId,
                    committed.PayloadHash, new string('0', 64), new string('c', 64));
                call.Arg<Action<LedgerBlock>?>()!(block);
                return block;
            });

        var file = await Handler().Handle(Command(), CancellationToken.None);

        committed.Should().Be(new LedgerEvent(LedgerBlockKind.FileUploaded, file.Id, _patientId, new string('a', 64)));
        file.LedgerIndex.Should().Be(7);
        file.LedgerHash.Should().Be(new string('c', 64));
        file.Category.Should().Be(FileCategory.LabReport);
        _accessLog.Received(1).Record(_patientId, AccessAction.FileUploaded, ActorRole.Patient, "file", file.Id);
        _store.DidNotReceiveWithAnyArgs().Delete(default!);
    }

    private void LedgerAnchors()
    {
        _ledger.CommitAsync(Arg.Any<LedgerEvent>(), Arg.Any<Action<LedgerBlock>?>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            var e = call.Arg<LedgerEvent>();
            var block = LedgerBlock.Create(3, DateTime.UtcNow, e.Kind, e.ResourceId, e.SubjectId, e.PayloadHash, new string('0', 64), new string('d', 64));
            call.Arg<Action<LedgerBlock>?>()!(block);
            return block;
        });
    }

    private UploadFile CommandWith(string? patientId = null, string? category = "lab-report", string? description = "note", string? recordDate = "2026-11-01",
        string? sha1 = null) =>
        new(patientId, category, description, recordDate, new ReceivedUpload(_blob, "a.pdf", "application/pdf", 10, new string('a', 64), sha1));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task Handle_ADoctorWithoutAPatientId_IsRefusedNamingTheField(string? patientId)
    {
        _user.AccountType.Returns(AccountType.Doctor);

        var act = async () => await Handler().Handle(CommandWith(patientId: patientId), CancellationToken.None);

        (await act.Should().ThrowAsync<MediVault.Application.Common.Exceptions.ValidationFailedException>())
            .Which.Errors.Should().ContainSingle().Which.Should().BeEquivalentTo(
                new KeyValuePair<string, string[]>("patientId", ["A doctor uploads into a patient's vault: give the patient's id."]));
        await _access.DidNotReceiveWithAnyArgs().EnsureAsync(default, default, default);
        await _blob.DidNotReceive().PublishAsync(Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Handle_ADoctorIntoAPatientsVault_KeepsBothAndLogsTheDoctorsRole()
    {
        var doctor = Guid.CreateVersion7();
        var patient = Guid.CreateVersion7();
        _user.UserId.Returns(doctor);
        _user.AccountType.Returns(AccountType.Doctor);
        _access.EnsureAsync(patient, RecordAction.UploadFile, Arg.Any<CancellationToken>()).Returns(ActorRole.Doctor);
        LedgerAnchors();

        var file = await Handler().Handle(CommandWith(patientId: patient.ToString()), CancellationToken.None);

        (file.OwnerId, file.UploadedById).Should().Be((patient, doctor));
        _accessLog.Received(1).Record(patient, AccessAction.FileUploaded, ActorRole.Doctor, "file", file.Id);
        await _ledger.Received(1).CommitAsync(Arg.Is<LedgerEvent>(e => e.SubjectId == patient), Arg.Any<Action<LedgerBlock>?>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Handle_TheFields_AreKeptTrimmedAndParsed_WithTheSha1WhenGiven()
    {
        LedgerAnchors();

        var file = await Handler().Handle(CommandWith(category: "imaging", description: "  MRI, left knee  ", recordDate: "2026-02-28",
            sha1: new string('b', 40)), CancellationToken.None);

        file.Category.Should().Be(FileCategory.Imaging);
        file.Description.Should().Be("MRI, left knee");
        file.RecordDate.Should().Be(new DateOnly(2026, 2, 28));
        _db.MedicalFiles.Received(1).Add(Arg.Is<MedicalFile>(f => f.Sha1 == new string('b', 40) && f.Id == file.Id));
    }

    [Theory]
    [InlineData(null, null, null)]
    [InlineData("", "   ", "")]
    public async Task Handle_FieldsLeftOut_AreOtherWithNoDescriptionDateOrSha1(string? category, string? description, string? recordDate)
    {
        LedgerAnchors();

        var file = await Handler().Handle(CommandWith(category: category, description: description, recordDate: recordDate), CancellationToken.None);

        file.Category.Should().Be(FileCategory.Other);
        file.Description.Should().BeNull();
        file.RecordDate.Should().BeNull();
        _db.MedicalFiles.Received(1).Add(Arg.Is<MedicalFile>(f => f.Sha1 == null));
    }
}
