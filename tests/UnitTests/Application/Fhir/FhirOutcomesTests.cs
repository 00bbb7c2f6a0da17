using Hl7.Fhir.Model;
using MediVault.Application.Fhir;

namespace MediVault.UnitTests.Application.Fhir;

/// <summary>The OperationOutcome a failed FHIR request is answered with.</summary>
public sealed class FhirOutcomesTests
{
    [Fact]
    public void Error_IsOneErrorIssue_WithTheIssueTypeAndTheMessage()
    {
        var outcome = FhirOutcomes.Error(OperationOutcome.IssueType.NotFound, "The resource was not found.");

        outcome.Issue.Should().ContainSingle().Which.Should().BeEquivalentTo(new
        {
            Severity = OperationOutcome.IssueSeverity.Error,
            Code = OperationOutcome.IssueType.NotFound,
            Diagnostics = "The resource was not found.",
        });
    }
}
