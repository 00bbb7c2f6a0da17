using System.Buffers.Text;
using System.Security.Cryptography;
using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Emergency;
using MediVault.Domain.Audit;
using MediVault.Domain.Ledger;
using MediVault.Domain.Sharing;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Sharing.SmartHealthLinks.CreateSmartHealthLink;

/// <summary>The signed-in patient shares their emergency summary and chosen files as a SMART Health Link.</summary>
/// <param name="Label">Shown by viewers before opening; at most 80 characters.</param>
/// <param name="ExpiresInMinutes">5 to 525600 (a year); 1440 (a day) when absent.</param>
/// <param name="Passcode">4 to 64 characters; sets the <c>P</c> flag. Never stored in clear, never logged.</param>
/// <param name="MaxPasscodeAttempts">Wrong passcodes allowed over the link's whole life, 1 to 100; 10 when absent. Only with a passcode.</param>
/// <param name="LongTerm">Sets <c>L</c>: the content is re-encrypted from the current records at each request.</param>
/// <param name="DirectFile">Sets <c>U</c>: the link's url answers its one file to a GET. Not with a passcode; exactly one entry.</param>
/// <param name="Include">What to share.</param>
public sealed record CreateSmartHealthLink(
    string? Label = null, int? ExpiresInMinutes = null, string? Passcode = null, int? MaxPasscodeAttempts = null,
    bool? LongTerm = null, bool? DirectFile = null, ShlInclude? Include = null) : ICommand<SmartHealthLinkCreated>;

/// <summary>What a link shares.</summary>
/// <param name="EmergencySummary">The emergency profile as an International Patient Summary.</param>
/// <param name="FileIds">The caller's files, each at most 10 MiB; at most 10.</param>
public sealed record ShlInclude(bool EmergencySummary = false, IReadOnlyList<Guid>? FileIds = null)
{
    public int Count => (EmergencySummary ? 1 : 0) + (FileIds?.Count ?? 0);
}

/// <summary>A new SMART Health Link. Its key is in <c>shlink</c> only: the server cannot show this again.</summary>
/// <param name="Id">The link's id, for listing and revoking.</param>
/// <param name="Shlink"><c>shlink:/</c> and the base64url payload.</param>
/// <param name="ViewerUrl"><c>{PublicBaseUrl}/shl#shlink:/…</c>: what the QR code encodes.</param>
/// <param name="QrCodePng">Base64 of a PNG of the QR code of <c>viewerUrl</c> (error correction M).</param>
/// <param name="QrCodeSvg">The same QR code as an SVG document.</param>
/// <param name="ExpiresAt">When the link stops working (UTC).</param>
/// <param name="Flag">The flag letters in alphabetical order (<c>L</c>, <c>P</c>, <c>U</c>); empty for none.</param>
public sealed record SmartHealthLinkCreated(
    Guid Id, string Shlink, string ViewerUrl, string QrCodePng, string QrCodeSvg, DateTime ExpiresAt, string Flag);

public sealed class CreateSmartHealthLinkHandler(
    IAppDbContext db, ICurrentUser currentUser, IRecordAccess access, IAccessLog accessLog, ILedger ledger, ShlContent content,
    ISmartHealthLinkSecrets secrets, ISmartHealthLinkAddresses addresses, IQrCodeRenderer renderer, TimeProvider clock)
    : ICommandHandler<CreateSmartHealthLink, SmartHealthLinkCreated>
{
    public async ValueTask<SmartHealthLinkCreated> Handle(CreateSmartHealthLink command, CancellationToken cancellationToken)
    {
        var patientId = currentUser.RequireUserId();
        var role = await access.EnsureAsync(patientId, RecordAction.WriteProfile, cancellationToken);
        var include = command.Include!;
        var fileIds = include.FileIds ?? [];
        var files = await db.MedicalFiles.Where(f => f.OwnerId == patientId && f.DeletedAt == null && fileIds.Contains(f.Id)).ToListAsync(cancellationToken);
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < fileIds.Count; i++)
        {
            // Someone else's file reads as absent, in the same words.
            var file = files.SingleOrDefault(f => f.Id == fileIds[i]);
            if (file is null)
                errors[$"include.fileIds[{i}]"] = ["No such file."];
            else if (file.SizeBytes > ShlContent.MaxFileBytes)
                errors[$"include.fileIds[{i}]"] = [$"A shared file is at most {ShlContent.MaxFileBytes / (1024 * 1024)} MiB."];
        }
        if (errors.Count > 0)
            throw new ValidationFailedException(errors);

        var flags = (command.LongTerm == true ? ShlOptions.LongTerm : ShlOptions.None)
            | (command.Passcode is not null ? ShlOptions.Passcode : ShlOptions.None)
            | (command.DirectFile == true ? ShlOptions.DirectFile : ShlOptions.None);
        var now = clock.GetUtcNow().UtcDateTime;
        var expiresAt = now + TimeSpan.FromMinutes(command.ExpiresInMinutes ?? SmartHealthLink.DefaultLifetimeMinutes);
        var id = Guid.CreateVersion7();
        var manifestId = ShlIds.Create();
        var manifestIdHash = ShlIds.Hash(manifestId);
        var key = RandomNumberGenerator.GetBytes(Jwe.KeyLength);
        try
        {
            var label = string.IsNullOrWhiteSpace(command.Label) ? null : command.Label.Trim();
            var link = SmartHealthLink.Create(
                id, patientId, manifestIdHash, label, flags, now, expiresAt,
                command.Passcode is null ? null : ShlPasscode.Hash(command.Passcode),
                command.Passcode is null ? null : command.MaxPasscodeAttempts ?? SmartHealthLink.DefaultMaxPasscodeAttempts,
                flags.HasFlag(ShlOptions.LongTerm) ? secrets.WrapLinkKey(key, id) : null);

            // A long-term link encrypts its current content at each request; any other encrypts once, now, and keeps
            // only the ciphertext (its key leaves in the answer and is then forgotten).
            var entries = new List<ShlPlainEntry>();
            if (include.EmergencySummary)
                entries.Add(await content.SummaryAsync(patientId, cancellationToken));
            foreach (var fileId in fileIds)
                entries.Add(await content.FileAsync(files.Single(f => f.Id == fileId), cancellationToken));
            foreach (var entry in entries)
            {
                var jwe = flags.HasFlag(ShlOptions.LongTerm) ? null : Jwe.Encrypt(key, entry.Content, entry.ContentType);
                link.Include(entry.EntryId, entry.ContentType, entry.LastUpdated, jwe);
            }
            db.SmartHealthLinks.Add(link);

            accessLog.Record(patientId, AccessAction.ShlCreated, role, ShlLogNames.ResourceType, link.Id);
            await ledger.CommitAsync(new LedgerEvent(LedgerBlockKind.ShlCreated, link.Id, patientId, manifestIdHash), beforeSave: null, cancellationToken);

            var payload = new ShlPayload(
                addresses.ManifestUrl(manifestId), Base64Url.EncodeToString(key), new DateTimeOffset(expiresAt).ToUnixTimeSeconds(),
                flags.ToLetters() is { Length: > 0 } letters ? letters : null, link.Label, 1);
            var shlink = payload.ToShlink();
            var viewerUrl = addresses.ViewerUrl(shlink);
            var images = renderer.Render(viewerUrl, QrCorrection.M);
            return new SmartHealthLinkCreated(
                link.Id, shlink, viewerUrl, Convert.ToBase64String(images.Png), images.Svg, link.ExpiresAt, flags.ToLetters());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
