using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Emergency;
using MediVault.Application.Fhir;
using MediVault.Application.Sharing.SmartHealthLinks;
using MediVault.Application.Sharing.SmartHealthLinks.CreateSmartHealthLink;
using MediVault.Application.Sharing.SmartHealthLinks.ListSmartHealthLinks;
using MediVault.Application.Sharing.SmartHealthLinks.OpenShlDirectFile;
using MediVault.Application.Sharing.SmartHealthLinks.OpenSmartHealthLink;
using MediVault.Application.Sharing.SmartHealthLinks.ReadShlFile;
using MediVault.Application.Sharing.SmartHealthLinks.RevokeSmartHealthLink;
using MediVault.Domain.Audit;
using MediVault.Domain.Emergency;
using MediVault.Domain.Identity;
using MediVault.Domain.Ledger;
using MediVault.Domain.Records;
using MediVault.Domain.Sharing;
using MediVault.UnitTests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace MediVault.UnitTests.Application.Sharing;

/// <summary>
/// SMART Health Links end to end below the web layer, on the real tables: creating (flags, expiry, what is stored),
/// opening (embedded or by location at the length limit, passcodes and their lifetime counter, inactive links), the
/// location and direct-file reads, listing and revoking. The access decision, the access log, the ledger, the key
/// wrapping, the addresses and the QR renderer are ports.
/// </summary>
public sealed class SmartHealthLinkHandlersTests : IAsyncLifetime
{
    private static readonly DateTime Now = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);
    private static readonly Guid Patient = Guid.CreateVersion7();
    private static readonly Guid OtherPatient = Guid.CreateVersion7();

    private readonly IRecordAccess _access = Substitute.For<IRecordAccess>();
    private readonly AccessLogPort _accessLog = new(Callers.Anonymous(), new FakeTimeProvider(Now));
    private readonly IUserDirectory _users = Substitute.For<IUserDirectory>();
    private readonly IFileStore _store = Substitute.For<IFileStore>();
    private readonly ISmartHealthLinkAddresses _addresses = Substitute.For<ISmartHealthLinkAddresses>();
    private readonly IQrCodeRenderer _renderer = Substitute.For<IQrCodeRenderer>();
    private readonly FakeSecrets _secrets = new();
    private readonly SavingLedger _ledger = new(Now);
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly Dictionary<string, byte[]> _blobs = [];
    private SqliteTestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await SqliteTestDatabase.CreateAsync();
        _access.EnsureAsync(Patient, Arg.Any<RecordAction>(), Arg.Any<CancellationToken>()).Returns(ActorRole.Patient);
        _users.FindByIdAsync(Patient, Arg.Any<CancellationToken>())
            .Returns(new UserInfo(Patient, "pat@example.com", "Pat Patient", AccountType.Patient, null, null, Now));
        _store.OpenRead(Arg.Any<string>(), Arg.Any<byte[]>()).Returns(call => new MemoryStream(_blobs[call.Arg<string>()], writable: false));
        _store.OpenReadAsync(Arg.Any<string>(), Arg.Any<byte[]>(), Arg.Any<CancellationToken>())
            .Returns(call => (Stream)new MemoryStream(_blobs[call.Arg<string>()], writable: false));
        _addresses.ManifestUrl(Arg.Any<string>()).Returns(call => "https://vault.example/api/shl/m/" + call.Arg<string>());
        _addresses.LocationUrl(Arg.Any<string>()).Returns(call => "https://vault.example/api/shl/f/" + call.Arg<string>());
        _addresses.ViewerUrl(Arg.Any<string>()).Returns(call => "https://vault.example/shl#" + call.Arg<string>());
        _renderer.Render(Arg.Any<string>(), Arg.Any<QrCorrection>()).Returns(new QrCodeImages([1, 2, 3], "<svg/>"));
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    /// <summary>The master-key side: a wrapped key is the key after its link's id; a location token is a number this fake handed out.</summary>
    private sealed class FakeSecrets : ISmartHealthLinkSecrets
    {
        private readonly List<ShlFileLocation> _locations = [];

        public byte[] WrapLinkKey(ReadOnlySpan<byte> linkKey, Guid linkId) => [.. linkId.ToByteArray(), .. linkKey];

        /// <summary>Every key this fake unwrapped, the arrays themselves: the caller is to wipe each after its one use.</summary>
        public List<byte[]> Unwrapped { get; } = [];

        public byte[] UnwrapLinkKey(byte[] wrapped, Guid linkId)
        {
            var key = wrapped.AsSpan(0, 16).SequenceEqual(linkId.ToByteArray()) ? wrapped[16..] : throw new StoredContentCorruptException("not this link's key");
            Unwrapped.Add(key);
            return key;
        }

        public string SealLocation(ShlFileLocation location)
        {
            _locations.Add(location);
            return "loc" + (_locations.Count - 1);
        }

        public ShlFileLocation? OpenLocation(string token) =>
            token.StartsWith("loc", StringComparison.Ordinal) && int.TryParse(token[3..], out var i) && i < _locations.Count ? _locations[i] : null;
    }

    private ShlServing Serving(MediVault.Infrastructure.Persistence.AppDbContext db) =>
        new(db, _accessLog.For(db), _ledger.Port, Content(db), _secrets, _clock);

    private ShlContent Content(MediVault.Infrastructure.Persistence.AppDbContext db) => new(db, new FhirRecords(db, _users, _store), _store, _clock);

    private async Task<T> Run<T>(Func<MediVault.Infrastructure.Persistence.AppDbContext, ValueTask<T>> handle)
    {
        await using var db = _database.NewContext();
        _ledger.Context = db;
        return await handle(db);
    }

    private Task<SmartHealthLinkCreated> Create(CreateSmartHealthLink command, Guid? caller = null) =>
        Run(db => new CreateSmartHealthLinkHandler(db, Callers.As(caller ?? Patient, AccountType.Patient), _access, _accessLog.For(db), _ledger.Port,
            Content(db), _secrets, _addresses, _renderer, _clock).Handle(command, CancellationToken.None));

    private Task<ShlManifest> Open(SmartHealthLinkCreated link, string? passcode = null, int? embeddedLengthMax = null, string recipient = " Dr. Lee ") =>
        Open(ManifestId(link), passcode, embeddedLengthMax, recipient);

    private Task<ShlManifest> Open(string manifestId, string? passcode = null, int? embeddedLengthMax = null, string recipient = " Dr. Lee ") =>
        Run(db => new OpenSmartHealthLinkHandler(db, Serving(db), Content(db), _secrets, _addresses)
            .Handle(new OpenSmartHealthLink(manifestId, recipient, passcode, embeddedLengthMax), CancellationToken.None));

    private Task<ShlEncryptedFile> ReadLocation(string url) =>
        Run(db => new ReadShlFileHandler(db, Serving(db), _secrets, _clock).Handle(new ReadShlFile(url[(url.LastIndexOf('/') + 1)..]), CancellationToken.None));

    private Task<ShlEncryptedFile> OpenDirect(SmartHealthLinkCreated link) =>
        Run(db => new OpenShlDirectFileHandler(Serving(db)).Handle(new OpenShlDirectFile(ManifestId(link), "Dr. Lee"), CancellationToken.None));

    private Task<IReadOnlyList<SmartHealthLinkSummary>> List() =>
        Run(db => new ListSmartHealthLinksHandler(db, Callers.As(Patient, AccountType.Patient), _access, _clock)
            .Handle(new ListSmartHealthLinks(), CancellationToken.None));

    private Task<Mediator.Unit> Revoke(Guid id, Guid? caller = null) =>
        Run(db => new RevokeSmartHealthLinkHandler(db, Callers.As(caller ?? Patient, AccountType.Patient), _access, _accessLog.For(db), _ledger.Port, _clock)
            .Handle(new RevokeSmartHealthLink(id), CancellationToken.None));

    private static string ManifestId(SmartHealthLinkCreated link) => ShlPayload.Parse(link.Shlink).Url.Split('/')[^1];

    private static byte[] Key(SmartHealthLinkCreated link) => Base64Url.DecodeFromChars(ShlPayload.Parse(link.Shlink).Key);

    private static string Decrypt(SmartHealthLinkCreated link, string jwe) => Encoding.UTF8.GetString(Jwe.Decrypt(Key(link), jwe).Plaintext);

    private async Task<SmartHealthLink> Stored(Guid id)
    {
        await using var db = _database.NewContext();
        return await db.SmartHealthLinks.AsNoTracking().Include(l => l.Entries).SingleAsync(l => l.Id == id);
    }

    private async Task<MedicalFile> SaveFile(string name = "lab.pdf", Guid? owner = null, long? recordedSize = null)
    {
        var bytes = Encoding.UTF8.GetBytes("%PDF-1.7 " + name);
        var id = Guid.CreateVersion7();
        var file = MedicalFile.Create(id, owner ?? Patient, owner ?? Patient, name, "application/pdf", recordedSize ?? bytes.Length, FileCategory.LabReport,
            null, null, Convert.ToHexStringLower(SHA256.HashData(bytes)), id.ToString("N"), [1, 2, 3], Now.AddDays(-1));
        _blobs[file.StorageKey] = bytes;
        await using var db = _database.NewContext();
        db.MedicalFiles.Add(file);
        await db.SaveChangesAsync();
        return file;
    }

    private async Task DeleteFile(MedicalFile file)
    {
        await using var db = _database.NewContext();
        (await db.MedicalFiles.SingleAsync(f => f.Id == file.Id)).MarkDeleted(file.OwnerId, Now);
        await db.SaveChangesAsync();
    }

    private static CreateSmartHealthLink SummaryLink(string? passcode = null, int? attempts = null, bool longTerm = false) =>
        new("For Dr. Lee", Passcode: passcode, MaxPasscodeAttempts: attempts, LongTerm: longTerm, Include: new ShlInclude(EmergencySummary: true));

    [Fact]
    public async Task Create_Summary_StoresItsCiphertextOnly_AndAnswersAShlinkWithTheKey()
    {
        var created = await Create(new CreateSmartHealthLink("  For Dr. Lee  ", Include: new ShlInclude(EmergencySummary: true)));

        var payload = ShlPayload.Parse(created.Shlink);
        payload.Url.Should().StartWith("https://vault.example/api/shl/m/");
        ShlIds.IsWellFormed(ManifestId(created)).Should().BeTrue();
        Key(created).Should().HaveCount(Jwe.KeyLength);
        payload.Exp.Should().Be(new DateTimeOffset(Now.AddMinutes(SmartHealthLink.DefaultLifetimeMinutes)).ToUnixTimeSeconds());
        payload.Flag.Should().BeNull();
        payload.Label.Should().Be("For Dr. Lee");
        payload.V.Should().Be(1);
        created.Flag.Should().BeEmpty();
        created.ExpiresAt.Should().Be(Now.AddMinutes(SmartHealthLink.DefaultLifetimeMinutes));
        created.ViewerUrl.Should().Be("https://vault.example/shl#" + created.Shlink);
        created.QrCodePng.Should().Be(Convert.ToBase64String(new byte[] { 1, 2, 3 }));
        created.QrCodeSvg.Should().Be("<svg/>");
        _renderer.Received(1).Render(created.ViewerUrl, QrCorrection.M);

        var stored = await Stored(created.Id);
        stored.ManifestIdHash.Should().Be(ShlIds.Hash(ManifestId(created)));
        stored.WrappedKey.Should().BeNull();
        stored.PasscodeHash.Should().BeNull();
        stored.MaxPasscodeAttempts.Should().BeNull();
        var entry = stored.Entries.Should().ContainSingle().Subject;
        entry.EntryId.Should().Be(SmartHealthLinkEntry.SummaryId);
        Decrypt(created, entry.Jwe!).Should().Contain("\"resourceType\":\"Bundle\"");
        _accessLog.Substitute.Received(1).Record(Patient, AccessAction.ShlCreated, ActorRole.Patient, "smart-health-link", created.Id);
        _ledger.Committed.Should().Equal(new LedgerEvent(LedgerBlockKind.ShlCreated, created.Id, Patient, stored.ManifestIdHash));
    }

    [Fact]
    public async Task Create_BlankLabel_IsNoLabel_AndTheLifetimeIsTheOneAsked()
    {
        var created = await Create(new CreateSmartHealthLink("   ", ExpiresInMinutes: 5, Include: new ShlInclude(EmergencySummary: true)));

        (await Stored(created.Id)).Label.Should().BeNull();
        ShlPayload.Parse(created.Shlink).Label.Should().BeNull();
        created.ExpiresAt.Should().Be(Now.AddMinutes(5));
    }

    [Theory]
    [InlineData(null, 10)]
    [InlineData(3, 3)]
    public async Task Create_WithAPasscode_StoresItsHashAndTheAttemptsAllowed(int? attempts, int stored)
    {
        var created = await Create(SummaryLink("1234", attempts));

        var link = await Stored(created.Id);
        ShlPasscode.Matches("1234", link.PasscodeHash!).Should().BeTrue();
        link.PasscodeHash.Should().NotContain("1234");
        link.MaxPasscodeAttempts.Should().Be(stored);
        created.Flag.Should().Be("P");
        ShlPayload.Parse(created.Shlink).Flag.Should().Be("P");
    }

    [Fact]
    public async Task Create_LongTermDirectFile_KeepsTheWrappedKeyAndNoCiphertext()
    {
        var created = await Create(new CreateSmartHealthLink(LongTerm: true, DirectFile: true, Include: new ShlInclude(EmergencySummary: true)));

        var link = await Stored(created.Id);
        created.Flag.Should().Be("LU");
        link.Flags.Should().Be(ShlOptions.LongTerm | ShlOptions.DirectFile);
        _secrets.UnwrapLinkKey(link.WrappedKey!, link.Id).Should().Equal(Key(created));
        link.Entries.Should().ContainSingle().Which.Jwe.Should().BeNull();
    }

    [Fact]
    public async Task Create_Files_InTheOrderGiven_EachADocumentReferenceWithItsBytes()
    {
        var first = await SaveFile("first.pdf");
        var second = await SaveFile("second.pdf");

        var created = await Create(new CreateSmartHealthLink(Include: new ShlInclude(false, [second.Id, first.Id])));

        var entries = (await Stored(created.Id)).Entries.OrderBy(e => e.Ordinal).ToList();
        entries.Select(e => e.EntryId).Should().Equal(second.Id, first.Id);
        var document = Decrypt(created, entries[0].Jwe!);
        document.Should().Contain("\"resourceType\":\"DocumentReference\"").And.Contain(Convert.ToBase64String(_blobs[second.StorageKey]));
        document.Should().NotContain("Binary/");
    }

    [Fact]
    public async Task Create_AnotherPatientsOrAnUnknownFile_NamesEachAsAbsent_AndStoresNothing()
    {
        var theirs = await SaveFile("theirs.pdf", owner: OtherPatient);
        var mine = await SaveFile("mine.pdf");

        var refusal = await FluentActions.Awaiting(() => Create(new CreateSmartHealthLink(Include: new ShlInclude(false, [mine.Id, theirs.Id, Guid.NewGuid()]))))
            .Should().ThrowAsync<ValidationFailedException>();

        refusal.Which.Errors.Should().BeEquivalentTo(new Dictionary<string, string[]>
        {
            ["include.fileIds[1]"] = ["No such file."],
            ["include.fileIds[2]"] = ["No such file."],
        });
        await using var db = _database.NewContext();
        (await db.SmartHealthLinks.CountAsync()).Should().Be(0);
        _ledger.Committed.Should().BeEmpty();
    }

    [Fact]
    public async Task Create_FileOfExactlyTheLimit_IsShared_OneByteMoreIsRefused()
    {
        var atLimit = await SaveFile("at.pdf", recordedSize: ShlContent.MaxFileBytes);
        var over = await SaveFile("over.pdf", recordedSize: ShlContent.MaxFileBytes + 1);

        await Create(new CreateSmartHealthLink(Include: new ShlInclude(false, [atLimit.Id])));
        var refusal = await FluentActions.Awaiting(() => Create(new CreateSmartHealthLink(Include: new ShlInclude(false, [atLimit.Id, over.Id]))))
            .Should().ThrowAsync<ValidationFailedException>();

        refusal.Which.Errors.Should().ContainSingle().Which.Should().BeEquivalentTo(
            new KeyValuePair<string, string[]>("include.fileIds[1]", ["A shared file is at most 10 MiB."]));
    }

    [Fact]
    public async Task Open_AnActiveLink_EmbedsEachEntry_CountsTheOpen_AndLogsTheTrimmedRecipient()
    {
        var created = await Create(SummaryLink());
        _clock.Advance(TimeSpan.FromMinutes(1));

        var manifest = await Open(created);

        var file = manifest.Files.Should().ContainSingle().Subject;
        file.Should().BeEquivalentTo(new { ContentType = "application/fhir+json", Location = (string?)null, Status = "finalized", FhirVersion = "4.0.1" });
        file.Embedded.Should().Be((await Stored(created.Id)).Entries[0].Jwe);
        var link = await Stored(created.Id);
        link.OpenCount.Should().Be(1);
        link.LastOpenedAt.Should().Be(Now.AddMinutes(1));
        link.LastOpenedBy.Should().Be("Dr. Lee");
        _accessLog.Substitute.Received(1).RecordLinkRequest(Patient, created.Id, "Dr. Lee", AccessOutcome.Success);
        _ledger.Committed[^1].Should().Be(new LedgerEvent(LedgerBlockKind.ShlOpened, created.Id, Patient, link.ManifestIdHash));
    }

    [Fact]
    public async Task Open_EntryExactlyAsLongAsTheClientTakes_IsEmbedded_OneShorterLimitGivesALocation()
    {
        var created = await Create(SummaryLink());
        var length = (await Stored(created.Id)).Entries[0].Jwe!.Length;

        var embedded = await Open(created, embeddedLengthMax: length);
        var located = await Open(created, embeddedLengthMax: length - 1);

        embedded.Files[0].Embedded.Should().NotBeNull();
        located.Files[0].Embedded.Should().BeNull();
        located.Files[0].Location.Should().Be("https://vault.example/api/shl/f/loc0");
        _secrets.OpenLocation("loc0").Should().Be(new ShlFileLocation(created.Id, SmartHealthLinkEntry.SummaryId, Now + OpenSmartHealthLinkHandler.LocationLifetime));
    }

    [Fact]
    public async Task Location_ReadUntilJustBeforeItExpires_AnswersTheEntrysJwe_ThenNotFound()
    {
        var created = await Create(SummaryLink());
        var location = (await Open(created, embeddedLengthMax: 0)).Files[0].Location!;

        _clock.Advance(OpenSmartHealthLinkHandler.LocationLifetime - TimeSpan.FromTicks(1));
        var file = await ReadLocation(location);
        Decrypt(created, file.Jwe).Should().Contain("\"resourceType\":\"Bundle\"");

        _clock.Advance(TimeSpan.FromTicks(1));
        await FluentActions.Awaiting(() => ReadLocation(location)).Should().ThrowAsync<NotFoundException>().WithMessage("This file address is unknown*");
    }

    [Fact]
    public async Task Location_OfARevokedLink_OrAnUnknownToken_IsNotFound()
    {
        var created = await Create(SummaryLink());
        var location = (await Open(created, embeddedLengthMax: 0)).Files[0].Location!;
        await Revoke(created.Id);

        await FluentActions.Awaiting(() => ReadLocation(location)).Should().ThrowAsync<NotFoundException>().WithMessage(ShlServing.NotAvailable);
        await FluentActions.Awaiting(() => ReadLocation("https://vault.example/api/shl/f/forged")).Should().ThrowAsync<NotFoundException>();
    }

    [Fact]
    public async Task Open_WrongPasscode_SpendsOneAttempt_AndSaysHowManyRemain()
    {
        var created = await Create(SummaryLink("1234", attempts: 3));

        var refusal = await FluentActions.Awaiting(() => Open(created, "9999")).Should().ThrowAsync<PasscodeRejectedException>();

        refusal.Which.RemainingAttempts.Should().Be(2);
        (await Stored(created.Id)).FailedPasscodeAttempts.Should().Be(1);
        _accessLog.Substitute.Received(1).RecordLinkRequest(Patient, created.Id, "Dr. Lee", AccessOutcome.WrongPasscode);
        (await Open(created, "1234")).Files.Should().ContainSingle();
    }

    [Fact]
    public async Task Open_WrongPasscodeAndThenAfterExpiry_EachRefusalIsSavedInThePatientsLog()
    {
        var created = await Create(SummaryLink("1234", attempts: 3));
        _accessLog.UseReal();

        await FluentActions.Awaiting(() => Open(created, "9999")).Should().ThrowAsync<PasscodeRejectedException>();
        _clock.Advance(TimeSpan.FromMinutes(SmartHealthLink.DefaultLifetimeMinutes)); // the expiry instant
        await FluentActions.Awaiting(() => Open(created, "1234")).Should().ThrowAsync<NotFoundException>();

        await using var check = _database.NewContext();
        (await check.AccessLogEntries.Where(e => e.PatientId == Patient && e.ResourceId == created.Id).Select(e => e.Outcome).ToListAsync())
            .Should().BeEquivalentTo([AccessOutcome.WrongPasscode, AccessOutcome.Inactive]);
    }

    [Fact]
    public async Task Open_RevokedWhileItsContentIsBeingPrepared_IsRefusedAndNotCounted()
    {
        var created = await Create(SummaryLink());

        var act = () => Run(db => new ValueTask<int>(Serving(db).OpenAsync(ManifestId(created), "Dr. Lee", passcode: null, async (_, _, ct) =>
        {
            await using var other = _database.NewContext();
            await other.SmartHealthLinks.Where(l => l.Id == created.Id).ExecuteUpdateAsync(set => set.SetProperty(l => l.RevokedAt, Now), ct);
            return 0;
        }, CancellationToken.None)));

        await act.Should().ThrowAsync<NotFoundException>().WithMessage(ShlServing.NotAvailable);
        (await Stored(created.Id)).OpenCount.Should().Be(0);
        _accessLog.Substitute.Received(1).RecordLinkRequest(Patient, created.Id, "Dr. Lee", AccessOutcome.Inactive);
    }

    [Fact]
    public async Task Open_MissingPasscode_IsRefusedWithoutSpendingAnAttempt()
    {
        var created = await Create(SummaryLink("1234", attempts: 3));

        var refusal = await FluentActions.Awaiting(() => Open(created, passcode: null)).Should().ThrowAsync<PasscodeRejectedException>();

        refusal.Which.RemainingAttempts.Should().Be(3);
        (await Stored(created.Id)).FailedPasscodeAttempts.Should().Be(0);
    }

    [Fact]
    public async Task Open_TheLastAttemptWrong_LocksTheLink_EvenForTheRightPasscode()
    {
        var created = await Create(SummaryLink("1234", attempts: 2));
        await FluentActions.Awaiting(() => Open(created, "0000")).Should().ThrowAsync<PasscodeRejectedException>();

        var last = await FluentActions.Awaiting(() => Open(created, "0000")).Should().ThrowAsync<PasscodeRejectedException>();
        last.Which.RemainingAttempts.Should().Be(0);

        await FluentActions.Awaiting(() => Open(created, "1234")).Should().ThrowAsync<NotFoundException>().WithMessage(ShlServing.NotAvailable);
        (await Stored(created.Id)).FailedPasscodeAttempts.Should().Be(2);
        _accessLog.Substitute.Received(1).RecordLinkRequest(Patient, created.Id, "Dr. Lee", AccessOutcome.Inactive);
        (await List()).Single().Status.Should().Be(ShlStatus.Locked);
    }

    [Fact]
    public async Task Open_UntilJustBeforeExpiry_Works_AtTheExpiryInstant_IsNotFoundAndLoggedInactive()
    {
        var created = await Create(new CreateSmartHealthLink(ExpiresInMinutes: 5, Include: new ShlInclude(EmergencySummary: true)));

        _clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        (await Open(created)).Files.Should().ContainSingle();

        _clock.Advance(TimeSpan.FromTicks(1));
        await FluentActions.Awaiting(() => Open(created)).Should().ThrowAsync<NotFoundException>().WithMessage(ShlServing.NotAvailable);
        _accessLog.Substitute.Received(1).RecordLinkRequest(Patient, created.Id, "Dr. Lee", AccessOutcome.Inactive);
        (await Stored(created.Id)).OpenCount.Should().Be(1);
    }

    [Theory]
    [InlineData("")]
    [InlineData("too-short")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Open_UnknownOrMalformedManifestId_IsNotFound_AndLogsNothing(string manifestId)
    {
        await FluentActions.Awaiting(() => Open(manifestId)).Should().ThrowAsync<NotFoundException>().WithMessage(ShlServing.NotAvailable);

        _accessLog.Substitute.ReceivedCalls().Should().BeEmpty();
    }

    [Fact]
    public async Task Open_LongTermLink_EncryptsTheCurrentContentWithTheLinksKey_AndSkipsFilesDeletedSince()
    {
        var kept = await SaveFile("kept.pdf");
        var deleted = await SaveFile("deleted.pdf");
        var created = await Create(new CreateSmartHealthLink(LongTerm: true, Include: new ShlInclude(true, [kept.Id, deleted.Id])));
        await DeleteFile(deleted);

        var manifest = await Open(created);

        manifest.Files.Should().HaveCount(2);
        manifest.Files.Should().OnlyContain(f => f.Status == "can-change" && f.Embedded != null);
        Decrypt(created, manifest.Files[1].Embedded!).Should().Contain(Convert.ToBase64String(_blobs[kept.StorageKey]));
        manifest.Files[1].LastUpdated.Should().Be(kept.UploadedAt);
    }

    [Fact]
    public async Task Open_LongTermFileTooLargeToEmbed_GoesByLocation_WithoutBeingRead_AtTheRatioItIsRead()
    {
        var file = await SaveFile("big.pdf");
        var created = await Create(new CreateSmartHealthLink(LongTerm: true, Include: new ShlInclude(false, [file.Id])));
        _store.ClearReceivedCalls();

        // Base64 then base64url: 16/9 of the size at least; the limit sits exactly on it.
        var atRatio = (int)(file.SizeBytes * 16 / 9);
        var located = await Open(created, embeddedLengthMax: atRatio - 1);

        located.Files[0].Location.Should().NotBeNull();
        located.Files[0].LastUpdated.Should().Be(file.UploadedAt);
        _store.ReceivedCalls().Should().BeEmpty();

        await Open(created, embeddedLengthMax: atRatio);
        _store.Received(1).OpenRead(file.StorageKey, Arg.Any<byte[]>());
    }

    [Fact]
    public async Task DirectFile_ULink_AnswersItsOneEntry_AnyOtherLinkLooksUnknown()
    {
        var direct = await Create(new CreateSmartHealthLink(DirectFile: true, Include: new ShlInclude(EmergencySummary: true)));
        var manifestOnly = await Create(SummaryLink());

        var file = await OpenDirect(direct);

        Decrypt(direct, file.Jwe).Should().Contain("\"resourceType\":\"Bundle\"");
        _accessLog.Substitute.Received(1).RecordLinkRequest(Patient, direct.Id, "Dr. Lee", AccessOutcome.Success);
        await FluentActions.Awaiting(() => OpenDirect(manifestOnly)).Should().ThrowAsync<NotFoundException>().WithMessage(ShlServing.NotAvailable);
    }

    [Fact]
    public async Task List_NewestFirst_WithStateCountsAndWhatEachShares()
    {
        var file = await SaveFile();
        var older = await Create(SummaryLink("1234"));
        _clock.Advance(TimeSpan.FromMinutes(1));
        var newer = await Create(new CreateSmartHealthLink(Include: new ShlInclude(true, [file.Id])));
        await Revoke(older.Id);

        var links = await List();

        links.Select(l => l.Id).Should().Equal(newer.Id, older.Id);
        links[0].Should().BeEquivalentTo(new { Status = ShlStatus.Active, Flag = "", RemainingAttempts = (int?)null, Includes = new SharedContent(true, [file.Id]) });
        links[1].Should().BeEquivalentTo(new { Status = ShlStatus.Revoked, Flag = "P", RemainingAttempts = 10, Label = "For Dr. Lee", RevokedAt = Now.AddMinutes(1) });
        links[1].Includes.FileIds.Should().BeEmpty();
    }

    [Fact]
    public async Task Revoke_Twice_LogsAndAnchorsOnce()
    {
        var created = await Create(SummaryLink());
        _clock.Advance(TimeSpan.FromMinutes(2));

        await Revoke(created.Id);
        await Revoke(created.Id);

        (await Stored(created.Id)).RevokedAt.Should().Be(Now.AddMinutes(2));
        _accessLog.Substitute.Received(1).Record(Patient, AccessAction.ShlRevoked, ActorRole.Patient, "smart-health-link", created.Id);
        _ledger.Committed.Where(e => e.Kind == LedgerBlockKind.ShlRevoked).Should().ContainSingle();
    }

    [Fact]
    public async Task Revoke_AnotherPatientsLink_IsNotFound_AndTheLinkStillOpens()
    {
        var created = await Create(SummaryLink());
        _access.EnsureAsync(OtherPatient, Arg.Any<RecordAction>(), Arg.Any<CancellationToken>()).Returns(ActorRole.Patient);

        await FluentActions.Awaiting(() => Revoke(created.Id, OtherPatient)).Should().ThrowAsync<NotFoundException>().WithMessage("No such SMART Health Link.");

        (await Open(created)).Files.Should().ContainSingle();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Open_ALinkSharingOneOfThePatientsFiles_ServesThatFileAlone(bool longTerm)
    {
        // The patient has other live files, and another patient has one: the link's entry names exactly one file.
        await SaveFile("before.pdf");
        var shared = await SaveFile("shared.pdf");
        await SaveFile("after.pdf");
        await SaveFile("foreign.pdf", owner: OtherPatient);
        var created = await Create(new CreateSmartHealthLink(LongTerm: longTerm, Include: new ShlInclude(true, [shared.Id])));

        var manifest = await Open(created);

        manifest.Files.Should().HaveCount(2);
        Decrypt(created, manifest.Files[0].Embedded!).Should().Contain("\"resourceType\":\"Bundle\"");
        var document = Decrypt(created, manifest.Files[1].Embedded!);
        document.Should().Contain(Convert.ToBase64String(_blobs[shared.StorageKey]));
        document.Should().NotContain("before.pdf").And.NotContain("after.pdf").And.NotContain("foreign.pdf");
    }

    [Fact]
    public async Task DirectFile_ULinkOfAFile_AnswersThatFile_NotAnotherLinksEntry()
    {
        var file = await SaveFile("scan.pdf");
        await Create(SummaryLink());
        var direct = await Create(new CreateSmartHealthLink(DirectFile: true, Include: new ShlInclude(false, [file.Id])));

        var answered = await OpenDirect(direct);

        Decrypt(direct, answered.Jwe).Should().Contain(Convert.ToBase64String(_blobs[file.StorageKey]));
    }

    [Fact]
    public async Task Location_OfALongTermLink_EncryptsTheFileAsItIsNow_UntilTheFileIsDeleted()
    {
        var file = await SaveFile("scan.pdf");
        var created = await Create(new CreateSmartHealthLink(LongTerm: true, Include: new ShlInclude(false, [file.Id])));
        var location = (await Open(created, embeddedLengthMax: 0)).Files.Should().ContainSingle().Subject.Location!;

        var read = await ReadLocation(location);
        Decrypt(created, read.Jwe).Should().Contain(Convert.ToBase64String(_blobs[file.StorageKey]));

        await DeleteFile(file);
        await FluentActions.Awaiting(() => ReadLocation(location)).Should().ThrowAsync<NotFoundException>().WithMessage("This file is no longer shared.");
    }

    [Fact]
    public async Task Location_ForAFileTheLinkDoesNotShare_ReadsNothing()
    {
        var shared = await SaveFile("shared.pdf");
        var other = await SaveFile("other.pdf");
        var created = await Create(new CreateSmartHealthLink(LongTerm: true, Include: new ShlInclude(false, [shared.Id])));
        var location = _addresses.LocationUrl(_secrets.SealLocation(new ShlFileLocation(created.Id, other.Id, Now.AddMinutes(5))));
        _store.ClearReceivedCalls();

        await FluentActions.Awaiting(() => ReadLocation(location)).Should().ThrowAsync<NotFoundException>().WithMessage("This file is no longer shared.");
        _store.ReceivedCalls().Should().BeEmpty();
    }

    [Fact]
    public async Task Open_ARevokedLongTermLink_ReadsNoFile_AndIsLoggedInactive()
    {
        var file = await SaveFile("scan.pdf");
        var created = await Create(new CreateSmartHealthLink(LongTerm: true, Include: new ShlInclude(false, [file.Id])));
        await Revoke(created.Id);
        _store.ClearReceivedCalls();

        await FluentActions.Awaiting(() => Open(created)).Should().ThrowAsync<NotFoundException>().WithMessage(ShlServing.NotAvailable);

        _store.ReceivedCalls().Should().BeEmpty();
        _accessLog.Substitute.Received(1).RecordLinkRequest(Patient, created.Id, "Dr. Lee", AccessOutcome.Inactive);
    }

    [Fact]
    public async Task Open_WrongPasscode_SpendsAnAttemptOfThatLinkOnly()
    {
        var guessed = await Create(SummaryLink("1234", attempts: 3));
        var untouched = await Create(SummaryLink("5678", attempts: 3));

        await FluentActions.Awaiting(() => Open(guessed, "0000")).Should().ThrowAsync<PasscodeRejectedException>();

        (await Stored(guessed.Id)).FailedPasscodeAttempts.Should().Be(1);
        (await Stored(untouched.Id)).FailedPasscodeAttempts.Should().Be(0);
    }

    [Fact]
    public async Task Encrypt_WipesTheUnwrappedKeyAndThePlaintext_AfterItsOneUse()
    {
        var file = await SaveFile("scan.pdf");
        var created = await Create(new CreateSmartHealthLink(LongTerm: true, Include: new ShlInclude(false, [file.Id])));
        var link = await Stored(created.Id);
        var plain = new ShlPlainEntry(Guid.CreateVersion7(), "text/plain", Now, Encoding.UTF8.GetBytes("a medical fact"));

        var jwe = await Run(db => ValueTask.FromResult(Serving(db).Encrypt(link, plain)));

        Decrypt(created, jwe).Should().Be("a medical fact");
        plain.Content.Should().OnlyContain(b => b == 0);
        _secrets.Unwrapped.Should().NotBeEmpty().And.OnlyContain(key => key.All(b => b == 0));
    }

    [Fact]
    public async Task List_LinksCreatedAtTheSameInstant_TheLaterFirst()
    {
        var first = await Create(SummaryLink());
        var second = await Create(SummaryLink());

        (await List()).Select(l => l.Id).Should().Equal(second.Id, first.Id);
    }

    [Fact]
    public async Task Open_LongTermSummaryExactlyAsLongAsTheClientTakes_IsEmbedded_OneShorterLimitGivesALocation()
    {
        var created = await Create(SummaryLink(longTerm: true));
        var length = (await Open(created)).Files[0].Embedded!.Length;

        var embedded = await Open(created, embeddedLengthMax: length);
        var located = await Open(created, embeddedLengthMax: length - 1);

        embedded.Files[0].Embedded.Should().HaveLength(length);
        located.Files[0].Embedded.Should().BeNull();
        located.Files[0].Location.Should().NotBeNull();
    }

    [Fact]
    public async Task Open_Summary_IsDatedByTheProfilesLastSave()
    {
        var savedAt = Now.AddDays(-3);
        await using (var db = _database.NewContext())
        {
            var profile = EmergencyProfile.Create(Patient);
            profile.Update(null, BloodType.APositive, [], [], [], [], organDonor: false, null, savedAt);
            db.EmergencyProfiles.Add(profile);
            await db.SaveChangesAsync();
        }
        var created = await Create(SummaryLink(longTerm: true));
        _clock.Advance(TimeSpan.FromHours(1));

        (await Open(created)).Files[0].LastUpdated.Should().Be(savedAt);
    }

    [Fact]
    public async Task List_SaysWhatEachLinkShares_FilesInTheOrderShared_AndAsksTheAccessRuleFirst()
    {
        var first = await SaveFile("first.pdf");
        var second = await SaveFile("second.pdf");
        var filesOnly = await Create(new CreateSmartHealthLink(Include: new ShlInclude(false, [second.Id, first.Id])));
        _clock.Advance(TimeSpan.FromMinutes(1));
        var withSummary = await Create(new CreateSmartHealthLink(Include: new ShlInclude(true, [first.Id])));

        var links = await List();

        links.Select(l => l.Id).Should().Equal(withSummary.Id, filesOnly.Id);
        links[0].Includes.EmergencySummary.Should().BeTrue();
        links[0].Includes.FileIds.Should().Equal(first.Id);
        links[1].Includes.EmergencySummary.Should().BeFalse();
        links[1].Includes.FileIds.Should().Equal(second.Id, first.Id);

        _access.EnsureAsync(Patient, RecordAction.WriteProfile, Arg.Any<CancellationToken>()).ThrowsAsync(new NotFoundException());
        await FluentActions.Awaiting(List).Should().ThrowAsync<NotFoundException>();
    }
}
