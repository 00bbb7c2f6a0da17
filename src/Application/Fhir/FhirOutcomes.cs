using Hl7.Fhir.Model;

namespace MediVault.Application.Fhir;

/// <summary>The OperationOutcome every failure under /fhir is answered with: one error issue and a message safe to show.</summary>
public static class FhirOutcomes
{
    public static OperationOutcome Error(OperationOutcome.IssueType type, string diagnostics) => new()
    {
        Issue = [new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Error, Code = type, Diagnostics = diagnostics }],
    };
}
