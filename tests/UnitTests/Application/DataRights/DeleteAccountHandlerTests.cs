using System.Security.Cryptography;
using System.Text;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.DataRights.DeleteAccount;
using MediVault.Application.Identity;
using MediVault.Application.Sharing.SmartHealthLinks;
using MediVault.Domain.Audit;
using MediVault.Domain.Emergency;
using MediVault.Domain.Identity;
using MediVault.Domain.Ledger;
using MediVault.Domain.Records;
using MediVault.Domain.Sharing;
using MediVault.UnitTests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;

namespace MediVault.UnitTests.Application.DataRights;

/// <summary>Deleting an account against the real tables: what goes, what stays, the anonymous tombstone, and the order of the steps.</summary>
public sealed class DeleteAccountHandlerTests : IAsyncLifetime
{
    private static readonly DateTime Now = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);
    private static readonly Guid Patient = Guid.CreateVersion7();
    private static readonly Guid Doctor = Guid.CreateVersion7();
    private static readonly Guid OtherPatient = Guid.CreateVersion7();

    private readonly IAccountService _accounts = Substitute.For<IAccountService>();
    private readonly IFileStore _store = Substitute.For<IFileStore>();
    private readonly ISecureErasure _erasure = Substitute.For<ISecureErasure>();
    private readonly IPatientDataKeys _dataKeys = Substitute.For<IPatientDataKeys>();
    private readonly SavingLedger _ledger = new(Now);
    private SqliteTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await SqliteTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private static MedicalFile File(Guid owner, string storageKey) =>
        MedicalFile.Create(Guid.CreateVersion7(), owner, owner, storageKey + ".pdf", "application/pdf", 10, FileCategory.LabReport, "notes",
            null, new string('a', 64), storageKey, [1], Now);

    private static SmartHealthLink Link(Guid patient)
    {
        var link = SmartHealthLink.Create(Guid.CreateVersion7(), patient, ShlIds.Hash(ShlIds.Create()), null, ShlOptions.None, Now, Now.AddDays(1), null, null, null);
        link.Include(SmartHealthLinkEntry.SummaryId, "application/fhir+json", Now, "ciphertext");
        return link;
    }

    private async Task Seed()
    {
        var kept = File(Patient, "kept");
        var deleted = File(Patient, "deleted");
        deleted.MarkDeleted(Patient, Now);
        var profile = EmergencyProfile.Create(Patient);
        profile.Update(null, BloodType.OPositive, [], [], [], [], false, "notes", Now);
        await using var db = _database.NewContext();
        db.AddRange(
            kept, deleted, File(OtherPatient, "theirs"), profile,
            QrAccessCode.Create(Patient, new string('c', 64), null, Now, Now.AddDays(1), null),
            QrAccessCode.Create(OtherPatient, new string('d', 64), null, Now, Now.AddDays(1), null),
            Link(Patient), Link(OtherPatient),
            AccessGrant.Create(Patient, Doctor, Now, null),
            AccessGrant.Create(OtherPatient, Doctor, Now, null),
            AccessLogEntry.Create(Patient, Now, AccessAction.FileDownloaded, Doctor, "Dr. Dana", ActorRole.Doctor, "file", kept.Id, null, null, AccessOutcome.Success),
            AccessLogEntry.Create(OtherPatient, Now, AccessAction.FileDownloaded, Doctor, "Dr. Dana", ActorRole.Doctor, "file", null, null, null, AccessOutcome.Success));
        await db.SaveChangesAsync();
    }

    private async Task Delete(Guid user, AccountType type, string password = "secret", ILogger<DeleteAccountHandler>? logger = null)
    {
        await using var db = _database.NewContext();
        _ledger.Context = db;
        await new DeleteAccountHandler(db, Callers.As(user, type), _accounts, _ledger.Port, _store, _erasure, _dataKeys,
            logger ?? NullLogger<DeleteAccountHandler>.Instance).Handle(new DeleteAccount(password), CancellationToken.None);
    }

    private async Task<(int Files, int Profiles, int Codes, int Links, int LinkEntries, int Grants, int Entries)> Counts(Guid owner)
    {
        await using var db = _database.NewContext();
        return (await db.MedicalFiles.CountAsync(f => f.OwnerId == owner),
            await db.EmergencyProfiles.CountAsync(p => p.PatientId == owner),
            await db.QrAccessCodes.CountAsync(q => q.PatientId == owner),
            await db.SmartHealthLinks.CountAsync(l => l.PatientId == owner),
            await db.SmartHealthLinkEntries.CountAsync(e => db.SmartHealthLinks.Any(l => l.Id == e.LinkId && l.PatientId == owner)),
            await db.AccessGrants.CountAsync(g => g.PatientId == owner || g.DoctorId == owner),
            await db.AccessLogEntries.CountAsync(e => e.PatientId == owner));
    }

    [Fact]
    public async Task Delete_APatient_RemovesEveryRowOfTheirsAndNoOneElses()
    {
        await Seed();

        await Delete(Patient, AccountType.Patient);

        (await Counts(Patient)).Should().Be((0, 0, 0, 0, 0, 0, 0));
        (await Counts(OtherPatient)).Should().Be((1, 0, 1, 1, 1, 1, 1));
    }

    [Fact]
    public async Task Delete_APatient_InOrder_PasswordSessionsAccountTombstoneKeyBlobsErasure()
    {
        await Seed();

        await Delete(Patient, AccountType.Patient);

        Received.InOrder(() =>
        {
            _accounts.EnsurePasswordAsync(Patient, "secret", Arg.Any<CancellationToken>());
            _accounts.EndAllSessionsAsync(Patient, Arg.Any<CancellationToken>());
            _accounts.RemoveAccountAsync(Patient, Arg.Any<CancellationToken>());
            _ledger.Port.CommitAsync(Arg.Any<LedgerEvent>(), Arg.Any<Action<LedgerBlock>?>(), Arg.Any<CancellationToken>());
            _dataKeys.DestroyAsync(Patient, CancellationToken.None);
            _store.Delete("kept");
            _erasure.EraseRemovedDataAsync(CancellationToken.None);
        });
        _store.DidNotReceive().Delete("deleted");
        _store.DidNotReceive().Delete("theirs");
    }

    [Fact]
    public async Task Delete_TheTombstone_NamesNoOneAndHashesOnlyTheCountOfErasedFiles()
    {
        await Seed();

        await Delete(Patient, AccountType.Patient);

        var tombstone = _ledger.Committed.Should().ContainSingle().Subject;
        tombstone.Kind.Should().Be(LedgerBlockKind.AccountDeleted);
        tombstone.SubjectId.Should().Be(Guid.Empty);
        tombstone.ResourceId.Should().NotBe(Patient).And.NotBe(Guid.Empty);
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes($"{{\"erasedFiles\":1,\"tombstone\":\"{tombstone.ResourceId}\"}}"));
        tombstone.PayloadHash.Should().Be(Convert.ToHexStringLower(expected));
    }

    [Fact]
    public async Task Delete_ADoctor_RemovesTheGrantsTheyReceived()
    {
        await Seed();

        await Delete(Doctor, AccountType.Doctor);

        (await Counts(Doctor)).Grants.Should().Be(0);
        (await Counts(Patient)).Should().Be((2, 1, 1, 1, 1, 0, 1));
    }

    [Fact]
    public async Task Delete_ABlobThatCannotBeRemovedNow_DoesNotStopTheRest()
    {
        await Seed();
        var busy = new BlobStoreUnavailableException("busy");
        _store.When(s => s.Delete("kept")).Throw(busy);
        var logger = new ListLogger<DeleteAccountHandler>();

        await Delete(Patient, AccountType.Patient, logger: logger);

        (await Counts(Patient)).Files.Should().Be(0);
        await _erasure.Received(1).EraseRemovedDataAsync(CancellationToken.None);
        logger.Entries.Should().ContainSingle(e => e.Exception == busy, "the blob left behind is logged for the operator");
    }

    [Fact]
    public async Task Delete_WrongPassword_ChangesNothing()
    {
        await Seed();
        _accounts.EnsurePasswordAsync(Patient, "wrong", Arg.Any<CancellationToken>())
            .Returns(Task.FromException(new ValidationFailedException("password", "The password is not correct.")));

        var act = () => Delete(Patient, AccountType.Patient, "wrong");

        await act.Should().ThrowAsync<ValidationFailedException>();
        (await Counts(Patient)).Should().Be((2, 1, 1, 1, 1, 1, 1));
        await _accounts.DidNotReceiveWithAnyArgs().EndAllSessionsAsync(default, default);
        _ledger.Committed.Should().BeEmpty();
        await _dataKeys.DidNotReceiveWithAnyArgs().DestroyAsync(default, default);
    }

    [Fact]
    public async Task Delete_Anonymous_IsUnauthorized()
    {
        await using var db = _database.NewContext();
        var handler = new DeleteAccountHandler(db, Callers.Anonymous(), _accounts, _ledger.Port, _store, _erasure, _dataKeys,
            NullLogger<DeleteAccountHandler>.Instance);

        var act = async () => await handler.Handle(new DeleteAccount("secret"), CancellationToken.None);

        await act.Should().ThrowAsync<UnauthorizedException>();
        _accounts.ReceivedCalls().Should().BeEmpty();
    }

    [Theory]
    [InlineData("", "password is required.")]
    [InlineData(null, "password is required.")]
    public void Validator_NoPassword_IsRequired(string? password, string message) =>
        new DeleteAccountValidator().Validate(new DeleteAccount(password)).Errors.Select(e => e.ErrorMessage).Should().Equal(message);

    [Fact]
    public void Validator_OverlongPassword_IsJustNotCorrect()
    {
        new DeleteAccountValidator().Validate(new DeleteAccount(new string('p', 129))).Errors.Select(e => e.ErrorMessage)
            .Should().Equal("The password is not correct.");
        new DeleteAccountValidator().Validate(new DeleteAccount(new string('p', 128))).IsValid.Should().BeTrue();
    }
}
