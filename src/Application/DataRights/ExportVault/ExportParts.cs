using System.Runtime.CompilerServices;
using System.Text;
using Mediator;
using MediVault.Application.Audit;
using MediVault.Application.Audit.ListAccessLog;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Common.Paging;
using MediVault.Application.Emergency.GetEmergencyProfile;
using MediVault.Application.Ledger.Common;
using MediVault.Application.Records.Common;
using MediVault.Application.Records.ListFiles;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.DataRights.ExportVault;

/// <summary>Every file, decrypted, under its name in <c>files/</c>, and <c>files.json</c> describing each.</summary>
internal sealed class FilesExportPart(ISender sender, IAppDbContext db, IFileStore store) : IVaultExportPart
{
    public string Description =>
        """
        files/           Every file in your vault, decrypted, under the name you gave it. When two files had the
                         same name, the later ones are named "name (2).ext", "name (3).ext", ...
        files.json       One entry per file: its name in this archive, category, description, record date, size,
                         SHA-256 (check it with "sha256sum files/NAME") and the ledger block that anchors it.
        """;

    public async Task WriteAsync(VaultArchive archive, Guid patientId, CancellationToken cancellationToken)
    {
        // The list is read through its use case, so whatever the vault keeps encrypted reaches the export decrypted.
        var files = new List<FileDto>();
        await foreach (var file in Pages(page => sender.Send(new ListFiles(patientId, null, null, page, PageExtensions.MaxPageSize), cancellationToken)))
            files.Add(file);

        var manifest = new List<ExportedFile>(files.Count);
        foreach (var file in files.OrderBy(f => f.UploadedAt).ThenBy(f => f.Id))
        {
            var blob = await db.MedicalFiles.AsNoTracking()
                .Where(f => f.Id == file.Id && f.DeletedAt == null)
                .Select(f => new { f.StorageKey, f.WrappedKey })
                .FirstOrDefaultAsync(cancellationToken);
            if (blob?.WrappedKey is null)
                continue; // deleted while the export ran

            await using var content = store.OpenRead(blob.StorageKey, blob.WrappedKey);
            var (entry, name) = await archive.OpenEntryAsync("files/" + file.FileName.Replace('/', '_').Replace('\\', '_'), compress: false, cancellationToken);
            await using (entry)
                await content.CopyToAsync(entry, 1024 * 1024, cancellationToken);
            manifest.Add(new ExportedFile(name, file));
        }
        await archive.WriteJsonAsync("files.json", manifest, cancellationToken);
    }

    internal static async IAsyncEnumerable<T> Pages<T>(Func<int, ValueTask<Paged<T>>> read)
    {
        for (var page = 1; ; page++)
        {
            var items = await read(page);
            foreach (var item in items.Items)
                yield return item;
            if (items.Items.Count < items.PageSize || page * items.PageSize >= items.TotalCount)
                yield break;
        }
    }

    private sealed record ExportedFile(string PathInArchive, FileDto File);
}

/// <summary><c>emergency-profile.json</c>, when the patient saved one.</summary>
internal sealed class EmergencyProfileExportPart(ISender sender) : IVaultExportPart
{
    public string Description =>
        """
        emergency-profile.json
                         Your emergency profile (blood type, allergies, conditions, medications, contacts, notes)
                         as the API shows it. Absent when you never saved one.
        """;

    public async Task WriteAsync(VaultArchive archive, Guid patientId, CancellationToken cancellationToken)
    {
        try
        {
            var profile = await sender.Send(new GetEmergencyProfile(patientId), cancellationToken);
            await archive.WriteJsonAsync("emergency-profile.json", profile, cancellationToken);
        }
        catch (NotFoundException)
        {
            // No profile saved: the README says the entry is then absent.
        }
    }
}

/// <summary><c>access-log.csv</c> and <c>access-log.json</c>: every line of the patient's access log, newest first.</summary>
internal sealed class AccessLogExportPart(ISender sender) : IVaultExportPart
{
    private static readonly string[] Columns =
        ["timestamp", "action", "actorId", "actorName", "actorRole", "resourceType", "resourceId", "ipAddress", "userAgent", "outcome"];

    public string Description =>
        """
        access-log.csv   Your access log: who did what to your records, when and from where, newest first.
        access-log.json  The same lines as JSON. In the CSV, a cell that starts with = + - or @ is prefixed with '
                         so that a spreadsheet shows it as text instead of running it.
        """;

    public async Task WriteAsync(VaultArchive archive, Guid patientId, CancellationToken cancellationToken)
    {
        var (csv, _) = await archive.OpenEntryAsync("access-log.csv", compress: true, cancellationToken);
        await using (csv)
        await using (var writer = new StreamWriter(csv, new UTF8Encoding(false), 64 * 1024))
        {
            await writer.WriteAsync(string.Join(',', Columns) + "\r\n");
            await foreach (var e in Entries(patientId, cancellationToken))
            {
                string?[] cells =
                [
                    e.Timestamp.ToString("O", System.Globalization.CultureInfo.InvariantCulture), Kebab(e.Action.ToString()),
                    e.ActorId?.ToString(), e.ActorName, Kebab(e.ActorRole.ToString()), e.ResourceType, e.ResourceId?.ToString(),
                    e.IpAddress, e.UserAgent, Kebab(e.Outcome.ToString()),
                ];
                await writer.WriteAsync(string.Join(',', cells.Select(Cell)) + "\r\n");
            }
        }
        await archive.WriteJsonArrayAsync("access-log.json", Entries(patientId, cancellationToken), cancellationToken);
    }

    private IAsyncEnumerable<AccessLogEntryDto> Entries(Guid patientId, CancellationToken cancellationToken) =>
        FilesExportPart.Pages(page => sender.Send(new ListAccessLog(patientId, page, PageExtensions.MaxPageSize), cancellationToken));

    /// <summary>RFC 4180 quoting, and a leading ' on cells a spreadsheet would take for a formula.</summary>
    internal static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return "";
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
            value = "'" + value;
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    private static string Kebab(string name) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(name);
}

/// <summary>
/// <c>ledger.json</c>: the ledger blocks that concern the patient, oldest first, and the chain's state when exported.
/// Transparency-log receipts (issue 11) belong in this part: one receipt beside each entry.
/// </summary>
internal sealed class LedgerExportPart(IAppDbContext db, ILedger ledger) : IVaultExportPart
{
    public string Description =>
        """
        ledger.json      The ledger blocks about your records (uploads, deletions, profile changes, QR codes,
                         grants), oldest first: hashes and ids only. With "chain" (the ledger's length and head
                         hash when exported) you can check later that they are still part of the same chain.
        """;

    public async Task WriteAsync(VaultArchive archive, Guid patientId, CancellationToken cancellationToken)
    {
        var chain = await ledger.VerifyAsync(cancellationToken);
        var (entry, _) = await archive.OpenEntryAsync("ledger.json", compress: true, cancellationToken);
        await using (entry)
        await using (var writer = new System.Text.Json.Utf8JsonWriter(entry, new System.Text.Json.JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("chain");
            System.Text.Json.JsonSerializer.Serialize(writer, chain, VaultArchive.Json);
            writer.WriteStartArray("entries");
            await foreach (var block in Blocks(patientId, cancellationToken))
            {
                System.Text.Json.JsonSerializer.Serialize(writer, block, VaultArchive.Json);
                if (writer.BytesPending > 32 * 1024)
                    await writer.FlushAsync(cancellationToken);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
            await writer.FlushAsync(cancellationToken);
        }
    }

    private async IAsyncEnumerable<BlockDto> Blocks(Guid patientId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var block in db.LedgerBlocks.AsNoTracking().Where(b => b.SubjectId == patientId).OrderBy(b => b.Index)
            .Select(BlockDto.Projection).AsAsyncEnumerable().WithCancellation(cancellationToken))
            yield return block;
    }
}
