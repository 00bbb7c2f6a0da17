using Hl7.Fhir.Model;
using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Fhir.Ips;

namespace MediVault.Application.Fhir.GetPatientSummary;

/// <summary><c>GET /fhir/r4/Patient/{id}/$summary</c>: the patient's International Patient Summary, a document Bundle.</summary>
public sealed record GetPatientSummary(Guid PatientId) : IQuery<Bundle>;

public sealed class GetPatientSummaryHandler(IAppDbContext db, FhirAccess access, FhirRecords records, IAccessLog accessLog, TimeProvider clock)
    : IQueryHandler<GetPatientSummary, Bundle>
{
    /// <summary>The summary holds these types: the caller needs read access to each.</summary>
    public static readonly string[] ResourceTypes = ["Patient", "AllergyIntolerance", "Condition", "MedicationStatement"];

    public async ValueTask<Bundle> Handle(GetPatientSummary query, CancellationToken cancellationToken)
    {
        var actor = await access.EnsureAsync(query.PatientId, Common.Access.RecordAction.ReadProfile, SmartPermissions.Read, ResourceTypes, cancellationToken);
        var patient = await records.PatientAsync(query.PatientId, cancellationToken);

        var summary = IpsBuilder.Build(new IpsRequest(patient, Guid.CreateVersion7(), clock.GetUtcNow().UtcDateTime));
        accessLog.Record(query.PatientId, Domain.Audit.AccessAction.ProfileViewed, actor, FhirLogNames.Of("Patient/$summary"), query.PatientId);
        await db.SaveChangesAsync(cancellationToken);
        return summary;
    }
}
