using Hl7.Fhir.Model;
using MediVault.Application.Records.Common;
using MediVault.Domain.Records;

namespace MediVault.Application.Fhir;

/// <summary>A file's category as a DocumentReference category: MediVault's own code, and the LOINC document class where one fits.</summary>
public static class DocumentCategories
{
    private static readonly Dictionary<FileCategory, (string Code, string Display)> Loinc = new()
    {
        [FileCategory.LabReport] = ("11502-2", "Laboratory report"),
        [FileCategory.Prescription] = ("57833-6", "Prescription for medication"),
        [FileCategory.Imaging] = ("18748-4", "Diagnostic imaging study"),
        [FileCategory.DischargeSummary] = ("18842-5", "Discharge summary"),
        [FileCategory.Vaccination] = ("11369-6", "History of Immunization Narrative"),
        [FileCategory.Insurance] = ("48768-6", "Payment sources Document"),
    };

    public static CodeableConcept Of(FileCategory category)
    {
        var name = FileCategories.NameOf(category);
        var concept = new CodeableConcept(FhirSystems.FileCategory, name, name);
        if (Loinc.TryGetValue(category, out var loinc))
            concept.Coding.Add(new Coding(FhirSystems.Loinc, loinc.Code, loinc.Display));
        concept.Text = name;
        return concept;
    }

    /// <summary>
    /// Reads a <c>category</c> search token: <c>lab-report</c>, <c>{file-category system}|lab-report</c> or
    /// <c>http://loinc.org|11502-2</c>.
    /// </summary>
    public static bool TryParseToken(string token, out FileCategory category)
    {
        var bar = token.IndexOf('|', StringComparison.Ordinal);
        var (system, code) = bar < 0 ? (null, token) : (token[..bar], token[(bar + 1)..]);
        if (system is null or FhirSystems.FileCategory && FileCategories.TryParse(code, out category))
            return true;
        if (system is null or FhirSystems.Loinc)
        {
            foreach (var (key, value) in Loinc)
            {
                if (value.Code == code)
                {
                    category = key;
                    return true;
                }
            }
        }
        category = FileCategory.Other;
        return false;
    }
}
