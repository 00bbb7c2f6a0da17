using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Serialization;
using Mediator;
using MediVault.Application.Audit;
using MediVault.Application.Audit.ListAccessLog;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Common.Paging;
using MediVault.Application.Emergency.GetEmergencyProfile;
using MediVault.Application.Fhir;
using MediVault.Application.Fhir.Ips;
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

            await using var content = await store.OpenReadAsync(blob.StorageKey, blob.WrappedKey, cancellationToken);
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

/// <summary>
/// <c>emergency-profile.json</c>, when the patient saved one, and <c>emergency-profile.ips.json</c>: the International
/// Patient Summary that <c>GET /fhir/r4/Patient/{id}/$summary</c> answers, built from the same facts by the same builder.
/// </summary>
internal sealed class EmergencyProfileExportPart(ISender sender, FhirRecords records, TimeProvider clock) : IVaultExportPart
{
    private static readonly JsonSerializerOptions FhirJson = new JsonSerializerOptions { WriteIndented = true }.ForFhir();

    public string Description =>
        """
        emergency-profile.json
                         Your emergency profile (blood type, allergies, conditions, medications, contacts, notes)
                         as the API shows it. Absent when you never saved one.
        emergency-profile.ips.json
                         The same profile as an International Patient Summary (HL7 FHIR R4 document Bundle,
                         http://hl7.org/fhir/uv/ips/), exactly what the FHIR API's Patient/$summary answers:
                         a doctor's software can import it. Always present: without a saved profile it still is
                         a valid summary whose sections are marked "unavailable" (no information), never "none
                         known".
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

        // The $summary path without its access check and access-log line: the patient reads their own vault here,
        // and the export is already recorded as one access.
        var patient = await records.PatientAsync(patientId, cancellationToken);
        var summary = IpsBuilder.Build(new IpsRequest(patient, Guid.CreateVersion7(), clock.GetUtcNow().UtcDateTime));
        var (entry, _) = await archive.OpenEntryAsync("emergency-profile.ips.json", compress: true, cancellationToken);
        await using (entry)
            await JsonSerializer.SerializeAsync(entry, summary, FhirJson, cancellationToken);
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
/// <c>ledger.json</c>: the ledger blocks that concern the patient, oldest first, and the chain's state when exported;
/// beside each entry its transparency-log receipt (<c>receipts/INDEX.txt</c>, what
/// <c>GET /api/ledger/entries/{index}/receipt</c> serves), the log's verifier key and the offline verifier script.
/// </summary>
internal sealed class LedgerExportPart(IAppDbContext db, ILedger ledger, ITransparencyLog log) : IVaultExportPart
{
    /// <summary>docs/verify-receipt.mjs, embedded in this assembly (MediVault.Application.csproj).</summary>
    internal const string VerifierScript = "verify-receipt.mjs";
    private const int ReceiptPage = 500;

    public string Description =>
        """
        ledger.json      The ledger blocks about your records (uploads, deletions, profile changes, QR codes,
                         grants), oldest first: hashes and ids only. With "chain" (the ledger's length and head
                         hash when exported) you can check later that they are still part of the same chain.
        receipts/INDEX.txt
                         For each of those ledger entries (INDEX is its "index" in ledger.json), its receipt: a
                         C2SP tlog-proof that the entry is in MediVault's signed transparency log, the same text
                         as GET /api/ledger/entries/INDEX/receipt.
        ledger-key.txt   The log's verifier key (GET /api/ledger/key). Compare it with the key you pinned earlier
                         or the one MediVault publishes: a receipt proves nothing against a key you did not check.
        verify-receipt.mjs
                         Checks a file's receipt offline with Node 20 or later and nothing else. For a file
                         in files/, take its "ledgerIndex" from files.json and run, from this folder:
                             node verify-receipt.mjs "files/NAME" receipts/INDEX.txt ledger-key.txt
                         It prints OK when the file's SHA-256 is the entry's, the entry is in the log's tree and
                         the checkpoint is signed by the key; otherwise FAILED and the reason.
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

        // One receipt at a time, read through the transparency log's port as GET /api/ledger/entries/{index}/receipt does.
        // The indexes come a page at a time (keyset), so no query stays open while the log reads its own rows.
        for (var after = -1L; ;)
        {
            var indexes = await db.LedgerBlocks.AsNoTracking().Where(b => b.SubjectId == patientId && b.Index > after)
                .OrderBy(b => b.Index).Select(b => b.Index).Take(ReceiptPage).ToListAsync(cancellationToken);
            foreach (var index in indexes)
            {
                if (await log.ReceiptAsync(index, cancellationToken) is { } receipt)
                    await archive.WriteTextAsync($"receipts/{index.ToString(CultureInfo.InvariantCulture)}.txt", receipt, cancellationToken);
            }
            if (indexes.Count < ReceiptPage)
                break;
            after = indexes[^1];
        }
        await archive.WriteTextAsync("ledger-key.txt", log.VerifierKey + "\n", cancellationToken);
        await using var script = typeof(LedgerExportPart).Assembly.GetManifestResourceStream(VerifierScript)
            ?? throw new InvalidOperationException($"{VerifierScript} is not embedded in {typeof(LedgerExportPart).Assembly.GetName().Name}.");
        var (scriptEntry, _) = await archive.OpenEntryAsync(VerifierScript, compress: true, cancellationToken);
        await using (scriptEntry)
            await script.CopyToAsync(scriptEntry, cancellationToken);
    }

    private async IAsyncEnumerable<BlockDto> Blocks(Guid patientId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var block in db.LedgerBlocks.AsNoTracking().Where(b => b.SubjectId == patientId).OrderBy(b => b.Index)
            .Select(BlockDto.Projection).AsAsyncEnumerable().WithCancellation(cancellationToken))
            yield return block;
    }
}

/// <summary>
/// <c>account.json</c>: the account as the patient set it up: their details, two-factor state, passkeys, grants to
/// doctors, emergency codes and connected apps, each as its own list endpoint shows it. Never a secret: no password
/// hash, authenticator key, recovery code, passkey public key or emergency-code token.
/// </summary>
internal sealed class AccountExportPart(ISender sender) : IVaultExportPart
{
    public string Description =>
        """
        account.json     Your account: your details and whether two-factor sign-in is on, your passkeys (name and
                         date), the doctors you gave access to (also past grants), your emergency QR codes (label,
                         dates and uses, never the code itself) and the apps you connected.
        """;

    public async Task WriteAsync(VaultArchive archive, Guid patientId, CancellationToken cancellationToken)
    {
        var grants = new List<Sharing.GrantDto>();
        await foreach (var grant in FilesExportPart.Pages(page => sender.Send(new Sharing.ListGrants.ListGrants(page, PageExtensions.MaxPageSize), cancellationToken)))
            grants.Add(grant);
        var account = new ExportedAccount(
            await sender.Send(new Identity.GetCurrentUser.GetCurrentUser(), cancellationToken),
            await sender.Send(new Identity.Passkeys.ListPasskeys.ListPasskeys(), cancellationToken),
            grants,
            await sender.Send(new Emergency.ListQrCodes.ListQrCodes(), cancellationToken),
            await sender.Send(new Identity.ConnectedApps.ListConnectedApps.ListConnectedApps(), cancellationToken));
        await archive.WriteJsonAsync("account.json", account, cancellationToken);
    }

    private sealed record ExportedAccount(
        Identity.UserDto Account, IReadOnlyList<Identity.Passkeys.PasskeyDto> Passkeys, IReadOnlyList<Sharing.GrantDto> Grants,
        IReadOnlyList<Emergency.ListQrCodes.QrCodeSummary> QrCodes, IReadOnlyList<Identity.ConnectedApps.ConnectedAppDto> ConnectedApps);
}
