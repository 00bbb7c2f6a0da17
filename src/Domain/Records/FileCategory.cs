namespace MediVault.Domain.Records;

/// <summary>What kind of record a file is. Travels as kebab-case: <c>lab-report</c>, <c>discharge-summary</c>, …</summary>
public enum FileCategory
{
    Other = 0,
    LabReport = 1,
    Prescription = 2,
    Imaging = 3,
    DischargeSummary = 4,
    Vaccination = 5,
    Insurance = 6,
}
