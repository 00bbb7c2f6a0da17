using System.Text;
using System.Text.Json;
using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Common.Paging;
using MediVault.Application.DataRights.ExportVault;
using MediVault.Application.Emergency;
using MediVault.Application.Emergency.GetEmergencyProfile;
using MediVault.Application.Emergency.ListQrCodes;
using MediVault.Application.Fhir;
using MediVault.Application.Identity;
using MediVault.Application.Identity.ConnectedApps;
using MediVault.Application.Identity.ConnectedApps.ListConnectedApps;
using MediVault.Application.Identity.GetCurrentUser;
using MediVault.Application.Identity.Passkeys;
using MediVault.Application.Identity.Passkeys.ListPasskeys;
using MediVault.Application.Records.Common;
using MediVault.Application.Records.ListFiles;
using MediVault.Application.Sharing;
using MediVault.Application.Sharing.ListGrants;
using MediVault.Domain.Emergency;
using MediVault.Domain.Identity;
using MediVault.Domain.Records;
using MediVault.UnitTests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace MediVault.UnitTests.Application.DataRights;

/// <summary>
/// What each part of the vault export writes, against a real SQLite database and the ports it reads through: the files
/// decrypted and described, the emergency profile and its IPS, the ledger entries with their receipts, the account.
/// </summary>
public sealed class ExportPartsTests : IAsyncLifetime
{
    private static readonly DateTime Now = new(2026, 11, 24, 12, 5, 0, DateTimeKind.Utc);
    private static readonly Guid Patient = Guid.CreateVersion7();
    private static readonly Guid Other = Guid.CreateVersion7();

    private readonly ISender _sender = Substitute.For<ISender>();
    private readonly IFileStore _store = Substitute.For<IFileStore>();
    private SqliteTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await SqliteTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private async Task<FileDto> SaveFile(string name, DateTime uploadedAt, string content, bool deletedSinceListed = false)
    {
        var storageKey = Guid.NewGuid().ToString("N");
        var bytes = Encoding.UTF8.GetBytes(content);
        var file = MedicalFile.Create(Guid.CreateVersion7(), Patient, Patient, name, "text/plain", bytes.Length, FileCategory.LabReport,
            null, null, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), storageKey, [7], uploadedAt);
        if (deletedSinceListed)
            file.MarkDeleted(Patient, Now);
        await using (var db = _database.NewContext())
        {
            db.MedicalFiles.Add(file);
            await db.SaveChangesAsync();
        }
        _store.OpenReadAsync(storageKey, Arg.Is<byte[]>(k => k.SequenceEqual(new byte[] { 7 })), Arg.Any<CancellationToken>())
            .Returns(_ => Task.FromResult<Stream>(new MemoryStream(bytes)));
        return FileDto.From(file);
    }

    private void ListFilesAnswers(IReadOnlyList<FileDto> files, int pageSize) =>
        _sender.Send(Arg.Any<ListFiles>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            var query = call.Arg<ListFiles>();
            query.UserId.Should().Be(Patient);
            return new Paged<FileDto>([.. files.Skip((query.Page - 1) * pageSize).Take(pageSize)], query.Page, pageSize, files.Count);
        });

    [Fact]
    public async Task Files_AreWrittenDecryptedOldestFirst_UnderSafeUniqueNames_AndDescribedInFilesJson()
    {
        var newer = await SaveFile("scan.txt", Now.AddDays(-1), "second scan");
        var older = await SaveFile("scan.txt", Now.AddDays(-2), "first scan");
        var nested = await SaveFile("a/b\\c.txt", Now.AddHours(-1), "slashes");
        // Listed across two pages, newest first, as the list endpoint answers.
        ListFilesAnswers([nested, newer, older], pageSize: 2);
        await using var db = _database.NewContext();

        using var zip = await ExportZip.Of(new FilesExportPart(_sender, db, _store), Patient);

        zip.Entries.Select(e => e.FullName).Should().Equal("files/scan.txt", "files/scan (2).txt", "files/a_b_c.txt", "files.json");
        ExportZip.Text(zip.GetEntry("files/scan.txt")!).Should().Be("first scan");
        ExportZip.Text(zip.GetEntry("files/scan (2).txt")!).Should().Be("second scan");
        ExportZip.Text(zip.GetEntry("files/a_b_c.txt")!).Should().Be("slashes");
        using var manifest = JsonDocument.Parse(ExportZip.Text(zip.GetEntry("files.json")!));
        manifest.RootElement.EnumerateArray().Select(e => (e.GetProperty("pathInArchive").GetString(), e.GetProperty("file").GetProperty("id").GetGuid()))
            .Should().Equal(("files/scan.txt", older.Id), ("files/scan (2).txt", newer.Id), ("files/a_b_c.txt", nested.Id));
        manifest.RootElement[0].GetProperty("file").GetProperty("sha256").GetString().Should().Be(older.Sha256);
    }

    /// <summary>The archive's README is the parts' descriptions: each names every entry its part writes.</summary>
    [Fact]
    public void EachPartsDescription_NamesEveryEntryItWrites()
    {
        var descriptions = new (IVaultExportPart Part, string[] Entries)[]
        {
            (new FilesExportPart(null!, null!, null!), ["files/", "files.json"]),
            (new EmergencyProfileExportPart(null!, null!, null!), ["emergency-profile.json", "emergency-profile.ips.json"]),
            (new AccessLogExportPart(null!), ["access-log.csv", "access-log.json"]),
            (new LedgerExportPart(null!, null!, null!), ["ledger.json", "receipts/", "ledger-key.txt", LedgerExportPart.VerifierScript]),
            (new AccountExportPart(null!), ["account.json"]),
        };

        foreach (var (part, entries) in descriptions)
            part.Description.Should().ContainAll(entries, part.GetType().Name);
    }

    /// <summary>A name that is all extension (a dot file) keeps it whole: the number goes after it, not inside the folder.</summary>
    [Fact]
    public async Task Files_ADotFileNamedTwice_IsNumberedAfterItsWholeName()
    {
        var first = await SaveFile(".profile", Now.AddDays(-2), "first");
        var second = await SaveFile(".profile", Now.AddDays(-1), "second");
        ListFilesAnswers([second, first], pageSize: 10);
        await using var db = _database.NewContext();

        using var zip = await ExportZip.Of(new FilesExportPart(_sender, db, _store), Patient);

        zip.Entries.Select(e => e.FullName).Should().Equal("files/.profile", "files/.profile (2)", "files.json");
    }

    /// <summary>Files uploaded at the same instant come in the order of their ids, so an export names them the same way each time.</summary>
    [Fact]
    public async Task Files_UploadedAtTheSameInstant_AreNamedInTheOrderOfTheirIds()
    {
        var one = await SaveFile("scan.txt", Now.AddDays(-1), "one");
        var other = await SaveFile("scan.txt", Now.AddDays(-1), "other");
        var byId = new[] { (File: one, Content: "one"), (File: other, Content: "other") }.OrderBy(f => f.File.Id).Select(f => f.Content).ToList();
        ListFilesAnswers([one, other], pageSize: 10);
        await using var db = _database.NewContext();

        using var zip = await ExportZip.Of(new FilesExportPart(_sender, db, _store), Patient);

        ExportZip.Text(zip.GetEntry("files/scan.txt")!).Should().Be(byId[0]);
        ExportZip.Text(zip.GetEntry("files/scan (2).txt")!).Should().Be(byId[1]);
    }

    [Fact]
    public async Task Files_DeletedWhileTheExportRan_AreLeftOut()
    {
        var kept = await SaveFile("kept.txt", Now.AddDays(-2), "kept");
        var deleted = await SaveFile("gone.txt", Now.AddDays(-1), "gone", deletedSinceListed: true);
        ListFilesAnswers([deleted, kept], pageSize: PageExtensions.MaxPageSize);
        await using var db = _database.NewContext();

        using var zip = await ExportZip.Of(new FilesExportPart(_sender, db, _store), Patient);

        zip.Entries.Select(e => e.FullName).Should().Equal("files/kept.txt", "files.json");
        await _store.Received(1).OpenReadAsync(Arg.Any<string>(), Arg.Any<byte[]>(), Arg.Any<CancellationToken>());
        JsonDocument.Parse(ExportZip.Text(zip.GetEntry("files.json")!)).RootElement.GetArrayLength().Should().Be(1);
        await _sender.Received(1).Send(Arg.Is<ListFiles>(q => q.Page == 1 && q.PageSize == PageExtensions.MaxPageSize && q.Category == null && q.Q == null),
            Arg.Any<CancellationToken>());
    }

    private EmergencyProfileExportPart ProfilePart(IAppDbContext db) =>
        new(_sender, new FhirRecords(db, PatientDirectory(), _store), new FakeTimeProvider(Now));

    private static IUserDirectory PatientDirectory()
    {
        var users = Substitute.For<IUserDirectory>();
        users.FindByIdAsync(Patient, Arg.Any<CancellationToken>())
            .Returns(new UserInfo(Patient, "pat@example.com", "Pat Patient", AccountType.Patient, null, null, Now.AddYears(-1)));
        return users;
    }

    [Fact]
    public async Task Profile_Saved_IsWrittenAsTheApiShowsIt_AndAsAnIpsDocument()
    {
        var profile = SampleProfiles.Full(Patient, Now);
        await using var db = _database.NewContext();
        db.EmergencyProfiles.Add(profile);
        await db.SaveChangesAsync();
        _sender.Send(Arg.Is<GetEmergencyProfile>(q => q.PatientId == Patient), Arg.Any<CancellationToken>())
            .Returns(EmergencyProfileDto.From(profile, "Pat Patient"));

        using var zip = await ExportZip.Of(ProfilePart(db), Patient);

        zip.Entries.Select(e => e.FullName).Should().Equal("emergency-profile.json", "emergency-profile.ips.json");
        using var json = JsonDocument.Parse(ExportZip.Text(zip.GetEntry("emergency-profile.json")!));
        json.RootElement.GetProperty("bloodType").GetString().Should().Be("O-");
        json.RootElement.GetProperty("fullName").GetString().Should().Be("Pat Patient");
        using var ips = JsonDocument.Parse(ExportZip.Text(zip.GetEntry("emergency-profile.ips.json")!));
        ips.RootElement.GetProperty("resourceType").GetString().Should().Be("Bundle");
        ips.RootElement.GetProperty("type").GetString().Should().Be("document");
        ips.RootElement.GetProperty("timestamp").GetString().Should().StartWith("2026-11-24T12:05:00");
        ips.RootElement.ToString().Should().Contain("Pat Patient").And.Contain("1971-05-04");
    }

    [Fact]
    public async Task Profile_NeverSaved_LeavesOutTheProfileButStillWritesTheIps()
    {
        await using var db = _database.NewContext();
        _sender.Send(Arg.Any<GetEmergencyProfile>(), Arg.Any<CancellationToken>()).ThrowsAsync(new NotFoundException());

        using var zip = await ExportZip.Of(ProfilePart(db), Patient);

        zip.Entries.Select(e => e.FullName).Should().Equal("emergency-profile.ips.json");
        using var ips = JsonDocument.Parse(ExportZip.Text(zip.Entries.Single()));
        ips.RootElement.GetProperty("resourceType").GetString().Should().Be("Bundle");
    }

    [Fact]
    public async Task Ledger_HoldsThePatientsEntriesOldestFirst_WithTheChain_EachReceipt_TheKeyAndTheVerifier()
    {
        // More of the patient's entries than one page of receipt indexes (500), between other patients' entries.
        await StoredChain.FillAsync(_database.Path, 1_106, subjectOf: i => i % 2 == 1 ? Patient : Other);
        var patientIndexes = Enumerable.Range(1, 1_105).Where(i => i % 2 == 1).Select(i => (long)i).ToList();
        patientIndexes.Should().HaveCountGreaterThan(500, "the receipts are read 500 indexes at a time");
        var ledger = Substitute.For<ILedger>();
        var chain = new LedgerVerification(true, 1_106, new string('a', 64), null);
        ledger.VerifyAsync(Arg.Any<CancellationToken>()).Returns(chain);
        var log = Substitute.For<ITransparencyLog>();
        log.VerifierKey.Returns("vault.example/ledger+01234567+AQID");
        log.ReceiptAsync(Arg.Any<long>(), Arg.Any<CancellationToken>())
            .Returns(call => call.Arg<long>() == 7 ? null : $"c2sp.org/tlog-proof@v1\nindex {call.Arg<long>()}\n");
        await using var db = _database.NewContext();

        using var zip = await ExportZip.Of(new LedgerExportPart(db, ledger, log), Patient);

        using var json = JsonDocument.Parse(ExportZip.Text(zip.GetEntry("ledger.json")!));
        json.RootElement.GetProperty("chain").GetProperty("length").GetInt64().Should().Be(1_106);
        json.RootElement.GetProperty("chain").GetProperty("headHash").GetString().Should().Be(chain.HeadHash);
        json.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("index").GetInt64()).Should().Equal(patientIndexes);
        var receipts = zip.Entries.Where(e => e.FullName.StartsWith("receipts/", StringComparison.Ordinal)).ToList();
        receipts.Select(e => e.FullName).Should().Equal(patientIndexes.Where(i => i != 7).Select(i => $"receipts/{i}.txt"),
            "an entry the log has no receipt for (7) is left out");
        ExportZip.Text(zip.GetEntry("receipts/1105.txt")!).Should().Be("c2sp.org/tlog-proof@v1\nindex 1105\n");
        await log.DidNotReceive().ReceiptAsync(Arg.Is<long>(i => i % 2 == 0), Arg.Any<CancellationToken>());
        ExportZip.Text(zip.GetEntry("ledger-key.txt")!).Should().Be("vault.example/ledger+01234567+AQID\n");
        ExportZip.Text(zip.GetEntry(LedgerExportPart.VerifierScript)!).Should().Be(
            await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "docs", "verify-receipt.mjs")));
    }

    [Fact]
    public async Task Ledger_ExactlyOnePageOfEntries_ReadsEveryReceiptOnce()
    {
        await StoredChain.FillAsync(_database.Path, 501, subjectOf: _ => Patient);
        var ledger = Substitute.For<ILedger>();
        ledger.VerifyAsync(Arg.Any<CancellationToken>()).Returns(new LedgerVerification(true, 501, new string('b', 64), null));
        var log = Substitute.For<ITransparencyLog>();
        log.VerifierKey.Returns("k");
        log.ReceiptAsync(Arg.Any<long>(), Arg.Any<CancellationToken>()).Returns(call => $"receipt {call.Arg<long>()}");
        await using var db = _database.NewContext();

        using var zip = await ExportZip.Of(new LedgerExportPart(db, ledger, log), Patient);

        zip.Entries.Count(e => e.FullName.StartsWith("receipts/", StringComparison.Ordinal)).Should().Be(500);
        await log.Received(500).ReceiptAsync(Arg.Any<long>(), Arg.Any<CancellationToken>());
        await log.Received(1).ReceiptAsync(500, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Account_HoldsEachListAsItsEndpointShowsIt_AndEveryGrantPage()
    {
        var user = new UserDto(Patient, "pat@example.com", "Pat Patient", AccountType.Patient, Now.AddYears(-1), null, null, TwoFactorEnabled: true);
        _sender.Send(Arg.Any<GetCurrentUser>(), Arg.Any<CancellationToken>()).Returns(user);
        _sender.Send(Arg.Any<ListPasskeys>(), Arg.Any<CancellationToken>())
            .Returns((IReadOnlyList<PasskeyDto>)[new PasskeyDto("pk-1", "Laptop", Now, BackedUp: false)]);
        var grants = Enumerable.Range(0, 3).Select(i => new GrantDto(Guid.CreateVersion7(), Patient, "Pat Patient", Guid.CreateVersion7(), $"Dr. {i}",
            $"d{i}@example.com", Now.AddDays(-i), null, null, Active: true)).ToList();
        _sender.Send(Arg.Any<ListGrants>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            var query = call.Arg<ListGrants>();
            return new Paged<GrantDto>([.. grants.Skip((query.Page - 1) * 2).Take(2)], query.Page, 2, grants.Count);
        });
        _sender.Send(Arg.Any<ListQrCodes>(), Arg.Any<CancellationToken>()).Returns((IReadOnlyList<QrCodeSummary>)
            [new QrCodeSummary(Guid.CreateVersion7(), "wallet", Now, Now.AddDays(1), null, 0, null, QrCodeStatus.Active)]);
        _sender.Send(Arg.Any<ListConnectedApps>(), Arg.Any<CancellationToken>()).Returns((IReadOnlyList<ConnectedAppDto>)[]);

        using var zip = await ExportZip.Of(new AccountExportPart(_sender), Patient);

        using var json = JsonDocument.Parse(ExportZip.Text(zip.Entries.Single()));
        var account = json.RootElement;
        account.GetProperty("account").GetProperty("email").GetString().Should().Be("pat@example.com");
        account.GetProperty("account").GetProperty("twoFactorEnabled").GetBoolean().Should().BeTrue();
        account.GetProperty("passkeys").EnumerateArray().Select(p => p.GetProperty("name").GetString()).Should().Equal("Laptop");
        account.GetProperty("grants").EnumerateArray().Select(g => g.GetProperty("doctorName").GetString()).Should().Equal("Dr. 0", "Dr. 1", "Dr. 2");
        account.GetProperty("qrCodes").EnumerateArray().Select(q => q.GetProperty("label").GetString()).Should().Equal("wallet");
        account.GetProperty("connectedApps").GetArrayLength().Should().Be(0);
        account.ToString().Should().NotContain("token", "no emergency-code token or other secret is exported");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MediVault.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("MediVault.sln not found above " + AppContext.BaseDirectory);
    }
}
