using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Fhir;
using MediVault.Application.Fhir.Ips;
using MediVault.Domain.Audit;

namespace MediVault.Application.Emergency.DownloadSummaryPdf;

/// <summary>The patient's summary as a printable PDF, for the patient or a doctor they granted access to.</summary>
public sealed record DownloadSummaryPdf(Guid PatientId) : IQuery<SummaryPdf>;

/// <summary>A rendered summary.</summary>
/// <param name="FileName">A download name without the patient's name: <c>medivault-summary-YYYY-MM-DD.pdf</c>.</param>
/// <param name="Content">The PDF's bytes.</param>
public sealed record SummaryPdf(string FileName, byte[] Content);

public sealed class DownloadSummaryPdfHandler(
    IAppDbContext db, IRecordAccess access, FhirRecords records, IAccessLog accessLog, ISummaryPdfRenderer renderer, TimeProvider clock)
    : IQueryHandler<DownloadSummaryPdf, SummaryPdf>
{
    public async ValueTask<SummaryPdf> Handle(DownloadSummaryPdf query, CancellationToken cancellationToken)
    {
        // The same rule as the profile itself: the patient, or a doctor with an active grant; anyone else learns nothing.
        var role = await access.EnsureAsync(query.PatientId, RecordAction.ReadProfile, cancellationToken);
        var patient = await records.PatientAsync(query.PatientId, cancellationToken);

        // The one IPS document (the FHIR $summary, SMART Health Links and the export build the same), read back for print.
        var now = clock.GetUtcNow().UtcDateTime;
        var document = IpsBuilder.Build(new IpsRequest(patient, Guid.CreateVersion7(), now));
        var pdf = renderer.Render(IpsSummary.Read(document), now);

        if (role != ActorRole.Patient)
        {
            accessLog.Record(query.PatientId, AccessAction.ProfileViewed, role, ResourceTypes.EmergencyProfile, query.PatientId);
            await db.SaveChangesAsync(cancellationToken);
        }
        return new SummaryPdf($"medivault-summary-{now:yyyy-MM-dd}.pdf", pdf);
    }
}
