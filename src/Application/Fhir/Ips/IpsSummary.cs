using Hl7.Fhir.Model;

namespace MediVault.Application.Fhir.Ips;

/// <summary>One allergy as a summary shows it.</summary>
/// <param name="Substance">What the patient reacts to.</param>
/// <param name="Reaction">What happens, or null.</param>
/// <param name="HighCriticality">Whether the IPS marks it high criticality (a severe allergy).</param>
public sealed record IpsAllergyLine(string Substance, string? Reaction, bool HighCriticality);

/// <summary>A medication, problem or other item: its name and an optional detail (dosage, notes).</summary>
public sealed record IpsLine(string Name, string? Detail);

/// <summary>
/// What an International Patient Summary document says, read back out of the Bundle <see cref="IpsBuilder"/> made, so a
/// printed summary shows exactly the document's content (not a second mapping of the profile).
/// </summary>
public sealed record IpsSummary(
    string PatientName, string? BirthDate, string? BloodType, IReadOnlyList<IpsAllergyLine> Allergies,
    IReadOnlyList<IpsLine> Medications, IReadOnlyList<IpsLine> Problems, IReadOnlyList<IpsLine> EmergencyContacts,
    bool HasProfile, DateTimeOffset? DocumentDate)
{
    /// <summary>Reads the summary out of an IPS document Bundle.</summary>
    public static IpsSummary Read(Bundle document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var resources = document.Entry.Select(e => e.Resource).ToList();
        var composition = resources.OfType<Composition>().Single();
        var patient = resources.OfType<Patient>().Single();

        var allergies = resources.OfType<AllergyIntolerance>().Select(a => new IpsAllergyLine(
            a.Code?.Text ?? "",
            a.Reaction.SelectMany(r => r.Manifestation).Select(m => m.Text).FirstOrDefault(t => !string.IsNullOrEmpty(t)),
            a.Criticality == AllergyIntolerance.AllergyIntoleranceCriticality.High)).ToList();
        var medications = resources.OfType<MedicationStatement>().Select(m => new IpsLine(
            (m.Medication as CodeableConcept)?.Text ?? "", m.Dosage.Select(d => d.Text).FirstOrDefault(t => !string.IsNullOrEmpty(t)))).ToList();
        var problems = resources.OfType<Condition>().Select(c => new IpsLine(
            c.Code?.Text ?? "", c.Note.Select(n => n.Text).FirstOrDefault(t => !string.IsNullOrEmpty(t)))).ToList();
        var contacts = patient.Contact.Select(c => new IpsLine(
            c.Name?.Text ?? "",
            string.Join(", ", new[] { c.Relationship.Where(IsWrittenRelationship).Select(r => r.Text).FirstOrDefault(), c.Telecom.FirstOrDefault()?.Value }
                .Where(part => !string.IsNullOrEmpty(part))))).ToList();
        var bloodType = resources.OfType<Observation>()
            .Where(o => o.Code?.Coding.Any(c => c.Code == "882-1") == true)
            .Select(o => (o.Value as CodeableConcept)?.Text).FirstOrDefault();
        // A summary made without a profile marks its sections "unavailable" (IpsBuilder).
        var hasProfile = composition.Section.All(s => s.EmptyReason?.Coding.Any(c => c.Code == "unavailable") != true);

        return new IpsSummary(
            patient.Name.FirstOrDefault()?.Text ?? "", patient.BirthDate, bloodType, allergies, medications, problems, contacts,
            hasProfile, composition.DateElement?.ToDateTimeOffset(TimeSpan.Zero));
    }

    /// <summary>
    /// The relationship the patient wrote ("brother"), as opposed to the coded v2-0131 role every emergency contact also
    /// carries (<see cref="FhirResources"/>): found by what it is, not by its place in the list.
    /// </summary>
    private static bool IsWrittenRelationship(CodeableConcept relationship) =>
        relationship.Coding.All(coding => coding.System != FhirSystems.ContactRole);
}
