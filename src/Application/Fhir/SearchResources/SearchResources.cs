using System.Globalization;
using Hl7.Fhir.Model;
using Mediator;
using MediVault.Application.Audit;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Domain.Audit;
using MediVault.Domain.Records;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Fhir.SearchResources;

/// <summary>
/// <c>GET /fhir/r4/{type}?patient=…</c>: a searchset Bundle of one patient's resources, a page at a time, with a
/// <c>next</c> link while there are more. <paramref name="BaseUrl"/> is the FHIR base (<c>https://host/fhir/r4</c>) the links use.
/// </summary>
public sealed record SearchResources(FhirSearch Search, string BaseUrl) : IQuery<Bundle>;

public sealed class SearchResourcesHandler(IAppDbContext db, FhirAccess access, FhirRecords records, IAccessLog accessLog)
    : IQueryHandler<SearchResources, Bundle>
{
    public async ValueTask<Bundle> Handle(SearchResources query, CancellationToken cancellationToken)
    {
        var search = query.Search;
        var type = search.ResourceType;
        var actor = await access.EnsureAsync(search.PatientId, FhirActions.RecordActionOf(type), SmartPermissions.Search, [type], cancellationToken);

        var (total, resources) = type switch
        {
            "DocumentReference" => await DocumentsAsync(search, cancellationToken),
            "AuditEvent" => await AuditEventsAsync(search, cancellationToken),
            _ => await ProfileItemsAsync(search, cancellationToken),
        };

        accessLog.Record(search.PatientId, FhirActions.AccessActionOf(type), actor, FhirLogNames.Of(type), search.PatientId);
        await db.SaveChangesAsync(cancellationToken);
        return Searchset(query, total, resources);
    }

    private async Task<(int, IReadOnlyList<Resource>)> DocumentsAsync(FhirSearch search, CancellationToken cancellationToken)
    {
        var files = db.MedicalFiles.Where(f => f.OwnerId == search.PatientId && f.DeletedAt == null);
        if (search.Category is { } category)
            files = files.Where(f => f.Category == category);
        foreach (var date in search.Dates)
            files = files.Where(date.ToPredicate<MedicalFile>(f => f.UploadedAt));
        var total = await files.CountAsync(cancellationToken);
        var page = await files.OrderByDescending(f => f.UploadedAt).ThenByDescending(f => f.Id)
            .Skip((search.Page - 1) * search.Count).Take(search.Count).ToListAsync(cancellationToken);
        var facts = await records.DocumentsAsync(page, cancellationToken);
        return (total, [.. facts.Select(FhirResources.Document)]);
    }

    private async Task<(int, IReadOnlyList<Resource>)> AuditEventsAsync(FhirSearch search, CancellationToken cancellationToken)
    {
        var entries = db.AccessLogEntries.AsNoTracking().Where(e => e.PatientId == search.PatientId);
        foreach (var date in search.Dates)
            entries = entries.Where(date.ToPredicate<AccessLogEntry>(e => e.Timestamp));
        var total = await entries.CountAsync(cancellationToken);
        var page = await entries.NewestFirst().Skip((search.Page - 1) * search.Count).Take(search.Count)
            .Select(AccessLogEntryDto.Projection).ToListAsync(cancellationToken);
        return (total, [.. page.Select(e => FhirResources.Audit(search.PatientId, e))]);
    }

    private async Task<(int, IReadOnlyList<Resource>)> ProfileItemsAsync(FhirSearch search, CancellationToken cancellationToken)
    {
        var patientId = search.PatientId;
        var profile = (await records.PatientAsync(patientId, cancellationToken)).Profile;
        IReadOnlyList<Resource> all = profile is null ? [] : search.ResourceType switch
        {
            "AllergyIntolerance" => [.. profile.Allergies.Select((a, i) => FhirResources.Allergy(patientId, i, a, profile.UpdatedAt))],
            "Condition" => [.. profile.Conditions.Select((c, i) => FhirResources.Condition(patientId, i, c, profile.UpdatedAt))],
            _ => [.. profile.Medications.Select((m, i) => FhirResources.Medication(patientId, i, m, profile.UpdatedAt))],
        };
        return (all.Count, [.. all.Skip((search.Page - 1) * search.Count).Take(search.Count)]);
    }

    internal static Bundle Searchset(SearchResources query, int total, IReadOnlyList<Resource> resources)
    {
        var search = query.Search;
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Total = total, Id = Guid.NewGuid().ToString("D") };
        bundle.Link.Add(new Bundle.LinkComponent { RelationString = "self", Url = PageUrl(query, search.Page) });
        if ((long)search.Page * search.Count < total)
            bundle.Link.Add(new Bundle.LinkComponent { RelationString = "next", Url = PageUrl(query, search.Page + 1) });
        foreach (var resource in resources)
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"{query.BaseUrl}/{resource.TypeName}/{resource.Id}",
                Resource = resource,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        }
        return bundle;
    }

    /// <summary>The search again, at another page: the parameters as they were understood, in a fixed order.</summary>
    private static string PageUrl(SearchResources query, int page)
    {
        var search = query.Search;
        List<string> parameters = [$"patient={search.PatientId:D}"];
        if (search.Category is { } category)
            parameters.Add("category=" + Records.Common.FileCategories.NameOf(category));
        parameters.AddRange(search.Dates.Select(d => "date=" + Uri.EscapeDataString(d.Text)));
        parameters.Add("_count=" + search.Count.ToString(CultureInfo.InvariantCulture));
        parameters.Add("_page=" + page.ToString(CultureInfo.InvariantCulture));
        return $"{query.BaseUrl}/{search.ResourceType}?{string.Join('&', parameters)}";
    }
}
