using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Ledger.Common;
using MediVault.Application.Ledger.GetEntryReceipt;
using MediVault.Application.Ledger.ListLedgerBlocks;
using MediVault.Application.Ledger.VerifyLedger;
using MediVault.Domain.Audit;
using MediVault.Domain.Emergency;
using MediVault.Domain.Identity;
using MediVault.Domain.Ledger;
using MediVault.Domain.Records;
using MediVault.Domain.Sharing;
using MediVault.Infrastructure.Naming;
using MediVault.UnitTests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace MediVault.UnitTests.Application.Ledger;

/// <summary>Listing the blocks a caller may see and the receipt of one entry, against the real block and grant tables.</summary>
public sealed class LedgerHandlersTests : IAsyncLifetime
{
    private static readonly DateTime Now = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);
    private static readonly Guid Patient = Guid.CreateVersion7();
    private static readonly Guid OtherPatient = Guid.CreateVersion7();
    private static readonly Guid ThirdPatient = Guid.CreateVersion7();
    private static readonly Guid Doctor = Guid.CreateVersion7();

    private readonly IUserDirectory _users = Substitute.For<IUserDirectory>();
    private readonly IRecordAccess _access = Substitute.For<IRecordAccess>();
    private readonly ITransparencyLog _log = Substitute.For<ITransparencyLog>();
    private SqliteTestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await SqliteTestDatabase.CreateAsync();
        _users.FindManyAsync(Arg.Any<IEnumerable<Guid>>(), Arg.Any<CancellationToken>()).Returns(call =>
            (IReadOnlyDictionary<Guid, UserInfo>)call.Arg<IEnumerable<Guid>>().Where(id => id == Doctor)
                .ToDictionary(id => id, id => new UserInfo(id, "d@example.com", "Dr. Dana", AccountType.Doctor, "LIC-1", "GP", Now)));
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private async Task Blocks(params (string Kind, Guid Resource, Guid Subject)[] blocks)
    {
        await using var db = _database.NewContext();
        var next = await db.LedgerBlocks.CountAsync();
        foreach (var (kind, resource, subject) in blocks)
        {
            db.LedgerBlocks.Add(LedgerBlock.Create(next, Now, kind, resource, subject, new string('a', 64), new string('0', 64),
                Convert.ToHexStringLower(BitConverter.GetBytes(next)).PadLeft(64, '0')));
            next++;
        }
        await db.SaveChangesAsync();
    }

    private async Task Save(params object[] rows)
    {
        await using var db = _database.NewContext();
        db.AddRange(rows);
        await db.SaveChangesAsync();
    }

    private async Task<IReadOnlyList<BlockDto>> List(Guid caller, AccountType type, long from = 0, int limit = 100, DateTime? at = null)
    {
        await using var db = _database.NewContext();
        return await new ListLedgerBlocksHandler(db, Callers.As(caller, type), new CompiledOwnedRecordNames(db, _users), new FakeTimeProvider(at ?? Now))
            .Handle(new ListLedgerBlocks(from, limit), CancellationToken.None);
    }

    private async Task<string> Receipt(long index)
    {
        await using var db = _database.NewContext();
        return await new GetEntryReceiptHandler(db, _access, _log).Handle(new GetEntryReceipt(index), CancellationToken.None);
    }

    [Fact]
    public async Task List_ForAPatient_OwnBlocksOnlyOldestFirst_FromAndLimit()
    {
        await Blocks(
            (LedgerBlockKind.Genesis, Guid.Empty, Guid.Empty),
            (LedgerBlockKind.ProfileUpdated, Patient, Patient),
            (LedgerBlockKind.ProfileUpdated, OtherPatient, OtherPatient),
            (LedgerBlockKind.ProfileUpdated, Patient, Patient),
            (LedgerBlockKind.ProfileUpdated, Patient, Patient),
            (LedgerBlockKind.ProfileUpdated, Patient, Patient));

        (await List(Patient, AccountType.Patient)).Select(b => b.Index).Should().Equal(1, 3, 4, 5);
        (await List(Patient, AccountType.Patient, from: 3, limit: 2)).Select(b => b.Index).Should().Equal(3, 4);
        (await List(Patient, AccountType.Patient, from: 4)).Select(b => b.Index).Should().Equal(4, 5);
        (await List(Patient, AccountType.Patient, from: 6)).Should().BeEmpty();
    }

    [Fact]
    public async Task List_Block_CarriesTheBlocksFields()
    {
        await Blocks((LedgerBlockKind.ProfileUpdated, Patient, Patient));

        var block = (await List(Patient, AccountType.Patient)).Should().ContainSingle().Subject;

        block.Should().Be(new BlockDto(0, Now, LedgerBlockKind.ProfileUpdated, Patient, new string('a', 64), new string('0', 64),
            new string('0', 64)));
    }

    [Fact]
    public async Task List_ForADoctor_OwnAndActivelyGrantingPatientsBlocks_Unnamed()
    {
        var active = AccessGrant.Create(Patient, Doctor, Now.AddDays(-1), Now.AddHours(1));
        var revoked = AccessGrant.Create(OtherPatient, Doctor, Now.AddDays(-1), null);
        revoked.Revoke(Now.AddHours(-1));
        var expired = AccessGrant.Create(ThirdPatient, Doctor, Now.AddDays(-1), Now);
        await Save(active, revoked, expired);
        var file = Guid.CreateVersion7();
        await Blocks(
            (LedgerBlockKind.FileUploaded, file, Patient),
            (LedgerBlockKind.ProfileUpdated, OtherPatient, OtherPatient),
            (LedgerBlockKind.ProfileUpdated, ThirdPatient, ThirdPatient),
            (LedgerBlockKind.FileUploaded, Guid.CreateVersion7(), Doctor));

        var blocks = await List(Doctor, AccountType.Doctor);

        blocks.Select(b => b.Index).Should().Equal(0, 3);
        blocks.Should().OnlyContain(b => b.ResourceName == null);
        (await List(Doctor, AccountType.Doctor, at: Now.AddTicks(-1))).Select(b => b.Index).Should().Equal(new long[] { 0, 2, 3 },
            "a grant ending at 12:00 still holds a tick before");
        await _users.DidNotReceiveWithAnyArgs().FindManyAsync(default!, default);
    }

    [Fact]
    public async Task List_ForAPatient_NamesOwnFileCodeAndGrant()
    {
        var file = MedicalFile.Create(Guid.CreateVersion7(), Patient, Patient, "lab.pdf", "application/pdf", 10, FileCategory.LabReport, null,
            null, new string('a', 64), "k1", [1], Now);
        var code = QrAccessCode.Create(Patient, new string('c', 64), "Wallet card", Now, Now.AddDays(1), null);
        var unlabelled = QrAccessCode.Create(Patient, new string('d', 64), null, Now, Now.AddDays(1), null);
        var grant = AccessGrant.Create(Patient, Doctor, Now, null);
        await Save(file, code, unlabelled, grant);
        await Blocks(
            (LedgerBlockKind.FileUploaded, file.Id, Patient),
            (LedgerBlockKind.FileDeleted, file.Id, Patient),
            (LedgerBlockKind.QrGenerated, code.Id, Patient),
            (LedgerBlockKind.QrRevoked, code.Id, Patient),
            (LedgerBlockKind.QrAccessed, code.Id, Patient),
            (LedgerBlockKind.AccessGranted, grant.Id, Patient),
            (LedgerBlockKind.AccessRevoked, grant.Id, Patient),
            (LedgerBlockKind.QrGenerated, unlabelled.Id, Patient),
            (LedgerBlockKind.ProfileUpdated, Patient, Patient));

        var names = (await List(Patient, AccountType.Patient)).Select(b => b.ResourceName);

        names.Should().Equal("lab.pdf", "lab.pdf", "Wallet card", "Wallet card", "Wallet card", "Dr. Dana", "Dr. Dana", null, null);
    }

    [Fact]
    public async Task List_ForAPatient_NamesOwnLabelledLinks_NeverAnotherPatientsLink()
    {
        SmartHealthLink Link(Guid owner, string? label) =>
            SmartHealthLink.Create(Guid.CreateVersion7(), owner, Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()).PadRight(64, '0'), label, ShlOptions.None, Now, Now.AddDays(1), null, null, null);
        var own = Link(Patient, "For Dr. Lee");
        var unlabelled = Link(Patient, null);
        var foreign = Link(OtherPatient, "Not yours");
        await Save(own, unlabelled, foreign);
        await Blocks(
            (LedgerBlockKind.ShlCreated, own.Id, Patient),
            (LedgerBlockKind.ShlOpened, own.Id, Patient),
            (LedgerBlockKind.ShlRevoked, own.Id, Patient),
            (LedgerBlockKind.ShlCreated, unlabelled.Id, Patient),
            (LedgerBlockKind.ShlCreated, foreign.Id, Patient)); // a block naming another patient's link: its label stays unknown

        var names = (await List(Patient, AccountType.Patient)).Select(b => b.ResourceName);

        names.Should().Equal("For Dr. Lee", "For Dr. Lee", "For Dr. Lee", null, null);
    }

    [Fact]
    public async Task List_ABlockOfAnotherKindWithTheIdOfAFile_IsNotNamed()
    {
        var file = MedicalFile.Create(Guid.CreateVersion7(), Patient, Patient, "lab.pdf", "application/pdf", 10, FileCategory.LabReport, null,
            null, new string('a', 64), "k1", [1], Now);
        await Save(file);
        await Blocks((LedgerBlockKind.ProfileUpdated, file.Id, Patient));

        (await List(Patient, AccountType.Patient)).Single().ResourceName.Should().BeNull();
    }

    [Fact]
    public async Task List_Anonymous_IsUnauthorized()
    {
        await using var db = _database.NewContext();
        var handler = new ListLedgerBlocksHandler(db, Callers.Anonymous(), new CompiledOwnedRecordNames(db, _users), new FakeTimeProvider(Now));

        var act = async () => await handler.Handle(new ListLedgerBlocks(0, 10), CancellationToken.None);

        await act.Should().ThrowAsync<UnauthorizedException>();
    }

    [Theory]
    [InlineData(-1, 1, "From")]
    [InlineData(0, 0, "Limit")]
    [InlineData(0, 1001, "Limit")]
    public void ListValidator_OutOfRange_NamesTheField(long from, int limit, string field) =>
        new ListLedgerBlocksValidator().Validate(new ListLedgerBlocks(from, limit)).Errors.Select(e => e.PropertyName).Should().Equal(field);

    [Theory]
    [InlineData(0, 1)]
    [InlineData(5, 1000)]
    public void ListValidator_Edges_Pass(long from, int limit) =>
        new ListLedgerBlocksValidator().Validate(new ListLedgerBlocks(from, limit)).IsValid.Should().BeTrue();

    [Fact]
    public async Task Verify_ForASignedInUser_IsTheLedgersAnswer_AndAnonymousIsRefused()
    {
        var ledger = Substitute.For<ILedger>();
        var verification = new LedgerVerification(true, 3, new string('a', 64), null);
        ledger.VerifyAsync(Arg.Any<CancellationToken>()).Returns(verification);

        (await new VerifyLedgerHandler(Callers.As(Patient, AccountType.Patient), ledger).Handle(new VerifyLedger(), CancellationToken.None))
            .Should().BeSameAs(verification);
        var anonymous = async () => await new VerifyLedgerHandler(Callers.Anonymous(), ledger).Handle(new VerifyLedger(), CancellationToken.None);
        await anonymous.Should().ThrowAsync<UnauthorizedException>();
        await ledger.Received(1).VerifyAsync(Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Receipt_AnEntryTheCallerMaySee_IsTheLogsReceipt()
    {
        await Blocks((LedgerBlockKind.Genesis, Guid.Empty, Guid.Empty), (LedgerBlockKind.ProfileUpdated, Patient, Patient));
        _access.EnsureAsync(Patient, RecordAction.ReadLedger, Arg.Any<CancellationToken>()).Returns(ActorRole.Patient);
        _log.ReceiptAsync(1, Arg.Any<CancellationToken>()).Returns("receipt");

        (await Receipt(1)).Should().Be("receipt");
        await _access.Received(1).EnsureAsync(Patient, RecordAction.ReadLedger, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Receipt_NoSuchEntryOrOneAboutNoPatient_IsNotFoundWithoutAskingTheLog()
    {
        await Blocks((LedgerBlockKind.Genesis, Guid.Empty, Guid.Empty));

        await FluentActions.Awaiting(() => Receipt(1)).Should().ThrowAsync<NotFoundException>().WithMessage("There is no such ledger entry.");
        await FluentActions.Awaiting(() => Receipt(0)).Should().ThrowAsync<NotFoundException>().WithMessage("There is no such ledger entry.");
        await _access.DidNotReceiveWithAnyArgs().EnsureAsync(default, default, default);
        await _log.DidNotReceiveWithAnyArgs().ReceiptAsync(default, default);
    }

    [Fact]
    public async Task Receipt_Refused_IsNotFoundWithoutAskingTheLog()
    {
        await Blocks((LedgerBlockKind.ProfileUpdated, OtherPatient, OtherPatient));
        _access.EnsureAsync(OtherPatient, RecordAction.ReadLedger, Arg.Any<CancellationToken>()).ThrowsAsync(new NotFoundException());

        await FluentActions.Awaiting(() => Receipt(0)).Should().ThrowAsync<NotFoundException>();
        await _log.DidNotReceiveWithAnyArgs().ReceiptAsync(default, default);
    }

    [Fact]
    public async Task Receipt_LogHasNoReceiptYet_IsNotFound()
    {
        await Blocks((LedgerBlockKind.ProfileUpdated, Patient, Patient));
        _access.EnsureAsync(Patient, RecordAction.ReadLedger, Arg.Any<CancellationToken>()).Returns(ActorRole.Patient);
        _log.ReceiptAsync(0, Arg.Any<CancellationToken>()).Returns((string?)null);

        await FluentActions.Awaiting(() => Receipt(0)).Should().ThrowAsync<NotFoundException>().WithMessage("There is no such ledger entry.");
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    public void ReceiptValidator_IndexFromZero(long index, bool valid) =>
        new GetEntryReceiptValidator().Validate(new GetEntryReceipt(index)).IsValid.Should().Be(valid);
}
