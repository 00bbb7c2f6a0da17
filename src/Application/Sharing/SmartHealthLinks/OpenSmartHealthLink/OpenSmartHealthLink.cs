using System.Text.Json.Serialization;
using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Domain.Sharing;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Sharing.SmartHealthLinks.OpenSmartHealthLink;

/// <summary>A manifest request (anonymous): <c>POST {url}</c> with the recipient's name and, for a <c>P</c> link, the passcode.</summary>
/// <param name="ManifestId">The last path segment of the link's url.</param>
/// <param name="Recipient">Who is asking, as they call themselves; shown to the patient. Required, at most 200 characters.</param>
/// <param name="Passcode">Required for links flagged <c>P</c>.</param>
/// <param name="EmbeddedLengthMax">The longest <c>embedded</c> JWE the client accepts; longer files come by <c>location</c>.</param>
public sealed record OpenSmartHealthLink(string ManifestId, string? Recipient, string? Passcode, int? EmbeddedLengthMax) : ICommand<ShlManifest>;

/// <summary>The manifest: one entry per shared thing, in the order the patient chose.</summary>
public sealed record ShlManifest(IReadOnlyList<ShlManifestFile> Files);

/// <summary>One manifest entry: exactly one of <c>embedded</c> and <c>location</c>.</summary>
/// <param name="ContentType">Always <c>application/fhir+json</c> here.</param>
/// <param name="Embedded">The JWE itself, when it is small enough.</param>
/// <param name="Location">An unauthenticated URL that answers the JWE (<c>application/jose</c>) for 15 minutes.</param>
/// <param name="LastUpdated">When the content last changed (UTC).</param>
/// <param name="Status"><c>finalized</c> for a one-time snapshot, <c>can-change</c> for a long-term (<c>L</c>) link.</param>
/// <param name="FhirVersion">Always <c>4.0.1</c>.</param>
public sealed record ShlManifestFile(
    string ContentType,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Embedded,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Location,
    DateTime LastUpdated, string Status, string FhirVersion);

public sealed class OpenSmartHealthLinkHandler(
    IAppDbContext db, ShlServing serving, ShlContent content, ISmartHealthLinkSecrets secrets, ISmartHealthLinkAddresses addresses)
    : ICommandHandler<OpenSmartHealthLink, ShlManifest>
{
    /// <summary>Entries whose JWE is longer go by <c>location</c> even when the client would take them embedded.</summary>
    public const int EmbedUpToLength = 256 * 1024;
    public static readonly TimeSpan LocationLifetime = TimeSpan.FromMinutes(15);

    public async ValueTask<ShlManifest> Handle(OpenSmartHealthLink command, CancellationToken cancellationToken) =>
        await serving.OpenAsync(command.ManifestId, command.Recipient!.Trim(), command.Passcode,
            (link, now, ct) => ManifestAsync(link, now, Math.Min(command.EmbeddedLengthMax ?? EmbedUpToLength, EmbedUpToLength), ct),
            cancellationToken);

    private async Task<ShlManifest> ManifestAsync(SmartHealthLink link, DateTime now, int embedUpTo, CancellationToken cancellationToken)
    {
        var entries = await db.SmartHealthLinkEntries.AsNoTracking().Where(e => e.LinkId == link.Id).OrderBy(e => e.Ordinal)
            .Select(e => new { e.EntryId, e.ContentType, e.LastUpdated, Length = e.Jwe == null ? 0 : e.Jwe.Length })
            .ToListAsync(cancellationToken);
        var longTerm = link.Flags.HasFlag(ShlOptions.LongTerm);
        var status = longTerm ? "can-change" : "finalized";
        var files = new List<ShlManifestFile>(entries.Count);
        foreach (var entry in entries)
        {
            string? embedded = null;
            var lastUpdated = entry.LastUpdated;
            if (longTerm)
            {
                var current = await CurrentAsync(link, entry.EntryId, embedUpTo, cancellationToken);
                if (current is null)
                    continue; // a shared file deleted since is no longer shared
                (lastUpdated, embedded) = current.Value;
            }
            else if (entry.Length <= embedUpTo)
            {
                embedded = await db.SmartHealthLinkEntries.AsNoTracking()
                    .Where(e => e.LinkId == link.Id && e.EntryId == entry.EntryId).Select(e => e.Jwe).SingleAsync(cancellationToken);
            }
            var location = embedded is null
                ? addresses.LocationUrl(secrets.SealLocation(new ShlFileLocation(link.Id, entry.EntryId, now + LocationLifetime)))
                : null;
            files.Add(new ShlManifestFile(entry.ContentType, embedded, location, lastUpdated, status, "4.0.1"));
        }
        return new ShlManifest(files);
    }

    /// <summary>
    /// A long-term link's entry now: when its content last changed, and its JWE of the current content when that fits
    /// <paramref name="embedUpTo"/> (a file plainly too large is not read here: its location encrypts it when read).
    /// Null when the file is gone.
    /// </summary>
    private async Task<(DateTime LastUpdated, string? Embedded)?> CurrentAsync(
        SmartHealthLink link, Guid entryId, int embedUpTo, CancellationToken cancellationToken)
    {
        if (entryId != SmartHealthLinkEntry.SummaryId)
        {
            var file = await db.MedicalFiles.AsNoTracking().Where(f => f.Id == entryId && f.OwnerId == link.PatientId && f.DeletedAt == null)
                .Select(f => new { f.SizeBytes, f.UploadedAt }).SingleOrDefaultAsync(cancellationToken);
            if (file is null)
                return null;
            // Base64 in the JSON, then base64url of the ciphertext: at least 16/9 of the file.
            if (file.SizeBytes * 16 / 9 > embedUpTo)
                return (file.UploadedAt, null);
        }
        var plain = await content.BuildAsync(link.PatientId, entryId, cancellationToken);
        if (plain is null)
            return null;
        var lastUpdated = plain.LastUpdated;
        var jwe = serving.Encrypt(link, plain);
        return (lastUpdated, jwe.Length <= embedUpTo ? jwe : null);
    }
}
