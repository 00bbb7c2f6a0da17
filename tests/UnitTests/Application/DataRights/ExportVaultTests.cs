using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Mediator;
using MediVault.Application.Audit;
using MediVault.Application.Audit.ListAccessLog;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Common.Paging;
using MediVault.Application.DataRights.ExportVault;
using MediVault.Application.Records.Common;
using MediVault.Domain.Audit;
using MediVault.Domain.Identity;
using MediVault.Domain.Records;
using MediVault.UnitTests.TestSupport;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace MediVault.UnitTests.Application.DataRights;

/// <summary>
/// The vault export: who may take it, the archive's README and part order, unique entry names, what is compressed,
/// the JSON shape, the CSV's quoting and formula guard, and the paging the parts read through.
/// </summary>
public sealed class ExportVaultTests
{
    private static readonly DateTime Now = new(2026, 11, 24, 12, 5, 0, DateTimeKind.Utc);
    private static readonly Guid Patient = Guid.CreateVersion7();

    private readonly IRecentAuthentication _recent = Substitute.For<IRecentAuthentication>();
    private readonly List<string> _written = [];

    public ExportVaultTests()
    {
        _recent.Lifetime.Returns(TimeSpan.FromMinutes(5));
        _recent.IsValid("proof", Patient).Returns(true);
    }

    /// <summary>A part that writes one entry named after itself and records that it ran, for whom.</summary>
    private sealed class NamedPart(string name, List<string> written) : IVaultExportPart
    {
        public string Description => $"{name}.txt   the {name} part";

        public Task WriteAsync(VaultArchive archive, Guid patientId, CancellationToken cancellationToken)
        {
            written.Add($"{name} for {patientId}");
            return archive.WriteTextAsync(name + ".txt", name, cancellationToken);
        }
    }

    private ValueTask<VaultExport> Export(ICurrentUser caller, string? proof = "proof") =>
        new ExportVaultHandler(caller, _recent, [new NamedPart("first", _written), new NamedPart("second", _written)], new FakeTimeProvider(Now))
            .Handle(new ExportVault(proof), CancellationToken.None);

    [Fact]
    public async Task Export_ThePatientWithAFreshProof_IsADatedZipWithTheReadmeFirstThenEachPartInOrder()
    {
        var export = await Export(Callers.As(Patient, AccountType.Patient));

        export.FileName.Should().Be("medivault-export-2026-11-24.zip");
        _written.Should().BeEmpty("nothing is read before the response starts");
        using var zip = await ExportZip.WrittenBy(export.WriteToAsync);

        zip.Entries.Select(e => e.FullName).Should().Equal("README.txt", "first.txt", "second.txt");
        _written.Should().Equal($"first for {Patient}", $"second for {Patient}");
        var readme = ExportZip.Text(zip.Entries[0]);
        readme.Should().StartWith("MediVault export\n================\n");
        readme.Should().Contain("Everything your MediVault vault held on 2026-11-24 12:05 UTC.");
        readme.Should().Contain($"first.txt   the first part{Environment.NewLine}{Environment.NewLine}second.txt   the second part");
    }

    [Fact]
    public async Task Export_Anonymous_IsUnauthorized() =>
        await FluentActions.Awaiting(() => Export(Callers.Anonymous()).AsTask()).Should().ThrowAsync<UnauthorizedException>();

    [Fact]
    public async Task Export_ByADoctor_IsForbidden_EvenWithAValidProof()
    {
        var doctor = Guid.CreateVersion7();
        _recent.IsValid("proof", doctor).Returns(true);

        await FluentActions.Awaiting(() => Export(Callers.As(doctor, AccountType.Doctor)).AsTask())
            .Should().ThrowAsync<ForbiddenException>().WithMessage("Only a patient's own vault can be exported.");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("stale")]
    public async Task Export_WithoutAValidProof_IsForbidden_NamingTheLifetime(string? proof) =>
        await FluentActions.Awaiting(() => Export(Callers.As(Patient, AccountType.Patient), proof).AsTask())
            .Should().ThrowAsync<ForbiddenException>()
            .WithMessage("Confirm your password first (POST /api/auth/reauthenticate); the confirmation lasts 5 minutes.");

    [Fact]
    public async Task Archive_RepeatedNames_GetANumberBeforeTheExtension_IgnoringCase()
    {
        var names = new List<string>();

        using var zip = await ExportZip.Of(async archive =>
        {
            foreach (var name in new[] { "files/scan.pdf", "files/scan.pdf", "files/SCAN.PDF", "files/notes", "files/notes", "files.d/readme", "files.d/readme" })
            {
                var (entry, unique) = await archive.OpenEntryAsync(name, compress: false, CancellationToken.None);
                await entry.DisposeAsync();
                names.Add(unique);
            }
        });

        names.Should().Equal("files/scan.pdf", "files/scan (2).pdf", "files/SCAN (3).PDF", "files/notes", "files/notes (2)", "files.d/readme", "files.d/readme (2)");
        zip.Entries.Select(e => e.FullName).Should().Equal(names);
    }

    [Fact]
    public async Task Archive_StoresFilesAsTheyAre_AndDeflatesText()
    {
        var content = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("compressible ", 500)));

        using var zip = await ExportZip.Of(async archive =>
        {
            var (entry, _) = await archive.OpenEntryAsync("files/a.txt", compress: false, CancellationToken.None);
            await using (entry)
                await entry.WriteAsync(content);
            await archive.WriteTextAsync("b.txt", Encoding.UTF8.GetString(content), CancellationToken.None);
        });

        zip.GetEntry("files/a.txt")!.CompressedLength.Should().Be(content.Length);
        zip.GetEntry("b.txt")!.CompressedLength.Should().BeLessThan(content.Length / 10);
        ExportZip.Text(zip.GetEntry("b.txt")!).Should().Be(Encoding.UTF8.GetString(content));
    }

    [Fact]
    public async Task Archive_Json_IsTheApisShape_CamelCaseWithKebabCaseEnums()
    {
        using var zip = await ExportZip.Of(archive =>
            archive.WriteJsonAsync("x.json", new { FileCategory = FileCategory.DischargeSummary, ActorRole = ActorRole.Emergency }, CancellationToken.None));

        using var json = JsonDocument.Parse(ExportZip.Text(zip.Entries.Single()));
        json.RootElement.GetProperty("fileCategory").GetString().Should().Be("discharge-summary");
        json.RootElement.GetProperty("actorRole").GetString().Should().Be("emergency");
    }

    [Fact]
    public async Task Archive_JsonArray_HoldsEveryItemInOrder_EvenPastTheFlushThreshold()
    {
        var items = Enumerable.Range(0, 3000).Select(i => new { Index = i, Padding = new string('x', 20) }).ToList();

        using var zip = await ExportZip.Of(archive => archive.WriteJsonArrayAsync("items.json", items.ToAsyncEnumerable(), CancellationToken.None));

        using var json = JsonDocument.Parse(ExportZip.Text(zip.Entries.Single()));
        json.RootElement.EnumerateArray().Select(e => e.GetProperty("index").GetInt32()).Should().Equal(Enumerable.Range(0, 3000));
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("plain", "plain")]
    [InlineData("=SUM(A1)", "'=SUM(A1)")]
    [InlineData("+1", "'+1")]
    [InlineData("-1", "'-1")]
    [InlineData("@cmd", "'@cmd")]
    [InlineData("\tx", "'\tx")]
    [InlineData("\rx", "\"'\rx\"")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData(",b", "\",b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("line\nbreak", "\"line\nbreak\"")]
    [InlineData("a=b", "a=b")]
    public void Csv_Cell_QuotesPerRfc4180_AndDisarmsFormulas(string? value, string cell) =>
        AccessLogExportPart.Cell(value).Should().Be(cell);

    [Theory]
    [InlineData(5, 2, 3)] // 2 + 2 + 1
    [InlineData(4, 2, 2)] // two full pages: the total says there is no third
    [InlineData(0, 2, 1)]
    public async Task Pages_ReadsUntilAShortPageOrTheTotal(int total, int pageSize, int reads)
    {
        var asked = new List<int>();

        var items = await FilesExportPartPages(page =>
        {
            asked.Add(page);
            var first = (page - 1) * pageSize;
            return new Paged<int>([.. Enumerable.Range(first, Math.Max(0, Math.Min(pageSize, total - first)))], page, pageSize, total);
        });

        items.Should().Equal(Enumerable.Range(0, total));
        asked.Should().Equal(Enumerable.Range(1, reads));
    }

    private static async Task<List<int>> FilesExportPartPages(Func<int, Paged<int>> read)
    {
        var items = new List<int>();
        await foreach (var item in FilesExportPart.Pages(page => ValueTask.FromResult(read(page))))
            items.Add(item);
        return items;
    }

    [Fact]
    public async Task AccessLogPart_WritesEveryLineAsCsvAndJson_NewestFirstAsTheLogIsRead()
    {
        var sender = Substitute.For<ISender>();
        var doctor = Guid.CreateVersion7();
        var file = Guid.CreateVersion7();
        var entries = new[]
        {
            new AccessLogEntryDto(Guid.CreateVersion7(), Now, AccessAction.FileDownloaded, doctor, "Dr. Lee, GP", ActorRole.Doctor, "file", file,
                "10.0.0.7", "=HYPERLINK(\"x\")", AccessOutcome.Success),
            new AccessLogEntryDto(Guid.CreateVersion7(), Now.AddDays(-1), AccessAction.QrAccessed, null, "", ActorRole.Emergency, "qr-code", null,
                null, null, AccessOutcome.Denied),
        };
        sender.Send(Arg.Any<ListAccessLog>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            var query = call.Arg<ListAccessLog>();
            query.PatientId.Should().Be(Patient);
            return new Paged<AccessLogEntryDto>(query.Page == 1 ? entries : [], query.Page, query.PageSize, entries.Length);
        });

        using var zip = await ExportZip.Of(archive => new AccessLogExportPart(sender).WriteAsync(archive, Patient, CancellationToken.None));

        ExportZip.Text(zip.GetEntry("access-log.csv")!).Should().Be(
            "timestamp,action,actorId,actorName,actorRole,resourceType,resourceId,ipAddress,userAgent,outcome\r\n"
            + $"2026-11-24T12:05:00.0000000Z,file-downloaded,{doctor},\"Dr. Lee, GP\",doctor,file,{file},10.0.0.7,\"'=HYPERLINK(\"\"x\"\")\",success\r\n"
            + "2026-11-23T12:05:00.0000000Z,qr-accessed,,,emergency,qr-code,,,,denied\r\n");
        ExportZip.Bytes(zip.GetEntry("access-log.csv")!).Should().StartWith("timestamp,"u8.ToArray(), "UTF-8 without a byte-order mark");
        using var json = JsonDocument.Parse(ExportZip.Text(zip.GetEntry("access-log.json")!));
        json.RootElement.EnumerateArray().Select(e => e.GetProperty("action").GetString()).Should().Equal("file-downloaded", "qr-accessed");
        await sender.Received().Send(Arg.Is<ListAccessLog>(q => q.PageSize == PageExtensions.MaxPageSize), Arg.Any<CancellationToken>());
    }
}
