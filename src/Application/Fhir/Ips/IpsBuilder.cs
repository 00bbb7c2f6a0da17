using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Model;

namespace MediVault.Application.Fhir.Ips;

/// <summary>The input of an International Patient Summary: the patient's facts, and the new document's id and time.</summary>
public sealed record IpsRequest(PatientFacts Patient, Guid DocumentId, DateTime Timestamp);

/// <summary>
/// Builds an International Patient Summary (http://hl7.org/fhir/uv/ips/) document Bundle from the emergency profile:
/// the Composition first, then the Patient and the entries of each section. Pure: no database, no HTTP, so the FHIR
/// endpoint, SMART Health Links and the export build the same document. Mapping: docs/fhir.md "$summary".
/// </summary>
public static class IpsBuilder
{
    public const string SummaryCode = "60591-5";
    public const string MedicationsCode = "10160-0";
    public const string AllergiesCode = "48765-2";
    public const string ProblemsCode = "11450-4";
    public const string ResultsCode = "30954-2";

    public static Bundle Build(IpsRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var facts = request.Patient;
        var patientId = facts.PatientId;
        var profile = facts.Profile;
        var recordedAt = profile?.UpdatedAt ?? request.Timestamp;
        var document = new DocumentEntries(request.DocumentId);

        var patient = FhirResources.Patient(facts);
        var patientReference = document.Add(patient);

        var allergies = (profile?.Allergies ?? []).Select((a, i) =>
        {
            var resource = FhirResources.Allergy(patientId, i, a, recordedAt);
            resource.Patient = patientReference;
            return document.Add(resource);
        }).ToList();
        var medications = (profile?.Medications ?? []).Select((m, i) =>
        {
            var resource = FhirResources.Medication(patientId, i, m, recordedAt);
            resource.Subject = patientReference;
            resource.InformationSource = patientReference;
            return document.Add(resource);
        }).ToList();
        var problems = (profile?.Conditions ?? []).Select((c, i) =>
        {
            var resource = FhirResources.Condition(patientId, i, c, recordedAt);
            resource.Subject = patientReference;
            return document.Add(resource);
        }).ToList();
        List<ResourceReference> results = [];
        if (profile is not null && FhirResources.BloodType(patientId, profile.BloodType, recordedAt) is { } bloodType)
        {
            bloodType.Subject = patientReference;
            results.Add(document.Add(bloodType));
        }

        var emptyReason = profile is null ? "unavailable" : "nilknown";
        var composition = new Composition
        {
            Id = request.DocumentId.ToString("D"),
            Identifier = new Identifier(FhirSystems.Rfc3986, $"urn:uuid:{request.DocumentId:D}"),
            Status = CompositionStatus.Final,
            Type = new CodeableConcept(FhirSystems.Loinc, SummaryCode, "Patient summary Document"),
            Subject = patientReference,
            DateElement = new FhirDateTime(new DateTimeOffset(request.Timestamp, TimeSpan.Zero)),
            // The patient wrote the emergency profile the summary is made of.
            Author = [patientReference],
            Title = "International Patient Summary",
            Section =
            [
                Section("Medication Summary", MedicationsCode, "History of Medication use Narrative", medications, emptyReason),
                Section("Allergies and Intolerances", AllergiesCode, "Allergies and adverse reactions Document", allergies, emptyReason),
                Section("Problem List", ProblemsCode, "Problem list - Reported", problems, emptyReason),
            ],
        };
        if (results.Count > 0)
            composition.Section.Add(Section("Results", ResultsCode, "Relevant diagnostic tests/laboratory data Narrative", results, emptyReason));

        var bundle = new Bundle
        {
            Id = request.DocumentId.ToString("D"),
            Identifier = new Identifier(FhirSystems.Rfc3986, $"urn:uuid:{request.DocumentId:D}"),
            Type = Bundle.BundleType.Document,
            Timestamp = new DateTimeOffset(request.Timestamp, TimeSpan.Zero),
        };
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = $"urn:uuid:{request.DocumentId:D}", Resource = composition });
        bundle.Entry.AddRange(document.Entries);
        return bundle;
    }

    /// <summary>
    /// A section with its entries, or with <c>emptyReason</c> when it has none. The narrative says only how many entries
    /// there are: no patient-written text is ever put into XHTML.
    /// </summary>
    private static Composition.SectionComponent Section(
        string title, string code, string display, List<ResourceReference> entries, string emptyReason)
    {
        var section = new Composition.SectionComponent
        {
            Title = title,
            Code = new CodeableConcept(FhirSystems.Loinc, code, display),
            Text = new Narrative
            {
                Status = Narrative.NarrativeStatus.Generated,
                Div = $"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>{title}: {(entries.Count == 0 ? "no entries" : entries.Count == 1 ? "1 entry" : $"{entries.Count} entries")}.</p></div>",
            },
            Entry = [.. entries],
        };
        if (entries.Count == 0)
            section.EmptyReason = new CodeableConcept(FhirSystems.ListEmptyReason, emptyReason, emptyReason == "nilknown" ? "Nil Known" : "Unavailable");
        return section;
    }

    /// <summary>The document's entries, each with a <c>urn:uuid</c> full URL derived from the document id and the resource id (stable per document).</summary>
    private sealed class DocumentEntries(Guid documentId)
    {
        public List<Bundle.EntryComponent> Entries { get; } = [];

        public ResourceReference Add(Resource resource)
        {
            var fullUrl = $"urn:uuid:{DerivedUuid(documentId, $"{resource.TypeName}/{resource.Id}"):D}";
            Entries.Add(new Bundle.EntryComponent { FullUrl = fullUrl, Resource = resource });
            return new ResourceReference(fullUrl);
        }

        private static Guid DerivedUuid(Guid documentId, string name)
        {
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(Encoding.UTF8.GetBytes($"{documentId:N}/{name}"), hash);
            var bytes = hash[..16];
            bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8: custom, name-based
            bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
            return new Guid(bytes, bigEndian: true);
        }
    }
}
