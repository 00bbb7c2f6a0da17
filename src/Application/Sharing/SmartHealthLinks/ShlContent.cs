using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Fhir;
using MediVault.Application.Fhir.Ips;
using MediVault.Domain.Records;
using MediVault.Domain.Sharing;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Sharing.SmartHealthLinks;

/// <summary>One shared thing in clear, ready to encrypt: FHIR JSON.</summary>
public sealed record ShlPlainEntry(Guid EntryId, string ContentType, DateTime LastUpdated, byte[] Content);

/// <summary>
/// What a link shares, as FHIR R4 JSON: the emergency summary as the International Patient Summary document Bundle
/// made by the one <see cref="IpsBuilder"/>, and each file as a DocumentReference (the one mapping,
/// <see cref="FhirResources.Document"/>) whose attachment carries the file's bytes in <c>data</c>.
/// </summary>
public sealed class ShlContent(IAppDbContext db, FhirRecords records, IFileStore store, TimeProvider clock)
{
    public const string FhirJson = "application/fhir+json";
    /// <summary>A shared file is at most this large: it travels whole inside one JWE (decisions #61).</summary>
    public const long MaxFileBytes = 10L * 1024 * 1024;
    public const int MaxFiles = 10;

    private static readonly JsonSerializerOptions Fhir = new JsonSerializerOptions().ForFhir();

    /// <summary>The entry's current content; null when it is a file that no longer exists (deleted since).</summary>
    public async Task<ShlPlainEntry?> BuildAsync(Guid patientId, Guid entryId, CancellationToken cancellationToken)
    {
        if (entryId == SmartHealthLinkEntry.SummaryId)
            return await SummaryAsync(patientId, cancellationToken);
        var file = await db.MedicalFiles.SingleOrDefaultAsync(f => f.Id == entryId && f.OwnerId == patientId && f.DeletedAt == null, cancellationToken);
        return file is null ? null : await FileAsync(file, cancellationToken);
    }

    public async Task<ShlPlainEntry> SummaryAsync(Guid patientId, CancellationToken cancellationToken)
    {
        var patient = await records.PatientAsync(patientId, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var summary = IpsBuilder.Build(new IpsRequest(patient, Guid.CreateVersion7(), now));
        return new ShlPlainEntry(SmartHealthLinkEntry.SummaryId, FhirJson, patient.Profile?.UpdatedAt ?? now, JsonSerializer.SerializeToUtf8Bytes(summary, Fhir));
    }

    public async Task<ShlPlainEntry> FileAsync(MedicalFile file, CancellationToken cancellationToken)
    {
        var facts = (await records.DocumentsAsync([file], cancellationToken))[0];
        var document = FhirResources.Document(facts);
        var attachment = document.Content[0].Attachment;
        // The recipient has no access to our FHIR API: the bytes travel in the attachment instead of a Binary reference.
        attachment.Url = null;
        await using (var content = store.OpenRead(file.StorageKey, file.WrappedKey!))
        using (var buffer = new MemoryStream((int)Math.Min(file.SizeBytes, MaxFileBytes)))
        {
            await content.CopyToAsync(buffer, cancellationToken);
            attachment.Data = buffer.ToArray();
        }
        return new ShlPlainEntry(file.Id, FhirJson, file.UploadedAt, JsonSerializer.SerializeToUtf8Bytes<Resource>(document, Fhir));
    }
}
