using MediVault.Application.Common.Access;
using MediVault.Domain.Audit;

namespace MediVault.Application.Fhir;

/// <summary>How a FHIR resource type maps onto MediVault's access rules and access-log actions.</summary>
public static class FhirActions
{
    /// <summary>The record action <see cref="IRecordAccess"/> checks for reading a type.</summary>
    public static RecordAction RecordActionOf(string resourceType) => resourceType switch
    {
        "DocumentReference" => RecordAction.ListFiles,
        "Binary" => RecordAction.DownloadFile,
        "AuditEvent" => RecordAction.ReadAccessLog,
        _ => RecordAction.ReadProfile,
    };

    /// <summary>What the access log calls reading a type.</summary>
    public static AccessAction AccessActionOf(string resourceType) => resourceType switch
    {
        "Binary" => AccessAction.FileDownloaded,
        "DocumentReference" or "AuditEvent" => AccessAction.RecordsViewed,
        _ => AccessAction.ProfileViewed,
    };

    public static string ProfileItemKindOf(string resourceType) => resourceType switch
    {
        "AllergyIntolerance" => ProfileItemId.Allergy,
        "Condition" => ProfileItemId.Condition,
        _ => ProfileItemId.Medication,
    };
}
