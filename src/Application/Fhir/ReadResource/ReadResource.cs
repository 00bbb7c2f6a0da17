using Hl7.Fhir.Model;
using Mediator;
using MediVault.Application.Audit;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Domain.Audit;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Fhir.ReadResource;

/// <summary>
/// <c>GET /fhir/r4/{type}/{id}</c>: one resource derived from the vault, after the SMART scopes and the record access
/// rules allow it. The read is written to the patient's access log with the reader's (and client's) name.
/// </summary>
public sealed record ReadResource(string ResourceType, string Id) : IQuery<Resource>;

public sealed class ReadResourceHandler(IAppDbContext db, FhirAccess access, FhirRecords records, IAccessLog accessLog)
    : IQueryHandler<ReadResource, Resource>
{
    public async ValueTask<Resource> Handle(ReadResource query, CancellationToken cancellationToken)
    {
        var type = query.ResourceType;
        var patientId = await OwnerAsync(type, query.Id, cancellationToken) ?? throw new NotFoundException();
        var actor = await access.EnsureAsync(patientId, FhirActions.RecordActionOf(type), SmartPermissions.Read, [type], cancellationToken);

        var resource = await BuildAsync(type, query.Id, patientId, cancellationToken);
        accessLog.Record(patientId, FhirActions.AccessActionOf(type), actor, FhirLogNames.Of(type), Guid.TryParse(query.Id, out var id) ? id : patientId);
        await db.SaveChangesAsync(cancellationToken);
        return resource;
    }

    /// <summary>The patient the resource would belong to, or null when the id cannot name one.</summary>
    private async Task<Guid?> OwnerAsync(string type, string id, CancellationToken cancellationToken)
    {
        switch (type)
        {
            case "Patient":
                return Guid.TryParseExact(id, "D", out var patientId) ? patientId : null;
            case "AllergyIntolerance" or "Condition" or "MedicationStatement":
                return ProfileItemId.TryParse(FhirActions.ProfileItemKindOf(type), id, out var item) ? item!.PatientId : null;
            case "DocumentReference" when Guid.TryParseExact(id, "D", out var fileId):
                return await db.MedicalFiles.AsNoTracking().Where(f => f.Id == fileId && f.DeletedAt == null)
                    .Select(f => (Guid?)f.OwnerId).FirstOrDefaultAsync(cancellationToken);
            case "AuditEvent" when Guid.TryParseExact(id, "D", out var entryId):
                return await db.AccessLogEntries.AsNoTracking().Where(e => e.Id == entryId)
                    .Select(e => (Guid?)e.PatientId).FirstOrDefaultAsync(cancellationToken);
            default:
                return null;
        }
    }

    private async Task<Resource> BuildAsync(string type, string id, Guid patientId, CancellationToken cancellationToken)
    {
        switch (type)
        {
            case "Patient":
                return FhirResources.Patient(await records.PatientAsync(patientId, cancellationToken));
            case "DocumentReference":
                var fileId = Guid.ParseExact(id, "D");
                var file = await db.MedicalFiles.SingleAsync(f => f.Id == fileId, cancellationToken);
                return FhirResources.Document((await records.DocumentsAsync([file], cancellationToken))[0]);
            case "AuditEvent":
                var entryId = Guid.ParseExact(id, "D");
                var entry = await db.AccessLogEntries.AsNoTracking().Where(e => e.Id == entryId)
                    .Select(AccessLogEntryDto.Projection).SingleAsync(cancellationToken);
                return FhirResources.Audit(patientId, entry);
        }

        ProfileItemId.TryParse(FhirActions.ProfileItemKindOf(type), id, out var item);
        var profile = (await records.PatientAsync(patientId, cancellationToken)).Profile ?? throw new NotFoundException();
        var index = item!.Index;
        return item.Kind switch
        {
            ProfileItemId.Allergy when index < profile.Allergies.Count =>
                FhirResources.Allergy(patientId, index, profile.Allergies[index], profile.UpdatedAt),
            ProfileItemId.Condition when index < profile.Conditions.Count =>
                FhirResources.Condition(patientId, index, profile.Conditions[index], profile.UpdatedAt),
            ProfileItemId.Medication when index < profile.Medications.Count =>
                FhirResources.Medication(patientId, index, profile.Medications[index], profile.UpdatedAt),
            _ => throw new NotFoundException(),
        };
    }
}
