using System.Security.Cryptography;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Emergency;
using MediVault.Domain.Identity;
using MediVault.Domain.Records;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Fhir;

/// <summary>Loads the vault data the FHIR resources are made of. Access is checked by the caller (<see cref="FhirAccess"/>) first.</summary>
public sealed class FhirRecords(IAppDbContext db, IUserDirectory users, IFileStore store)
{
    /// <summary>The patient's account and emergency profile; 404 when the id is not a patient's.</summary>
    public async Task<PatientFacts> PatientAsync(Guid patientId, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(patientId, cancellationToken);
        if (user is not { AccountType: AccountType.Patient })
            throw new NotFoundException();
        var profile = await db.EmergencyProfiles.AsNoTracking().SingleOrDefaultAsync(p => p.PatientId == patientId, cancellationToken);
        return new PatientFacts(patientId, user.FullName, user.Email, profile is null ? null : EmergencyProfileDto.From(profile, user.FullName));
    }

    /// <summary>
    /// The DocumentReference facts of files, in order. A file uploaded before SHA-1s were recorded has its content read
    /// once, hashed and the hash stored (decisions #44).
    /// </summary>
    public async Task<IReadOnlyList<DocumentFacts>> DocumentsAsync(IReadOnlyList<MedicalFile> files, CancellationToken cancellationToken)
    {
        var missing = files.Where(f => f.Sha1 is null).ToList();
        foreach (var file in missing)
            file.RecordSha1(await Sha1Async(file, cancellationToken));
        if (missing.Count > 0)
            await db.SaveChangesAsync(cancellationToken);
        return [.. files.Select(f => new DocumentFacts(
            f.Id, f.OwnerId, f.FileName, f.ContentType, f.SizeBytes, f.Category, f.Description, f.RecordDate, f.Sha256, f.Sha1!, f.UploadedAt))];
    }

    private async Task<string> Sha1Async(MedicalFile file, CancellationToken cancellationToken)
    {
        await using var content = await store.OpenReadAsync(file.StorageKey, file.WrappedKey!, cancellationToken);
#pragma warning disable CA5350 // FHIR's Attachment.hash is SHA-1: an interoperability checksum, not a security control (decisions #44).
        return Convert.ToHexStringLower(await SHA1.HashDataAsync(content, cancellationToken));
#pragma warning restore CA5350
    }
}

/// <summary>The access log's <c>resourceType</c> for a FHIR read: <c>fhir:Patient</c>, <c>fhir:DocumentReference</c>, …</summary>
public static class FhirLogNames
{
    public static string Of(string fhirType) => "fhir:" + fhirType;
}
