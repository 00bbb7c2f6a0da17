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
}
