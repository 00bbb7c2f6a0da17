using MediVault.Application.Common.Access;
using MediVault.Application.Fhir;
using MediVault.Domain.Audit;

namespace MediVault.UnitTests.Application.Fhir;

/// <summary>Which record access rule a FHIR type is read under, and what the patient's access log calls the read.</summary>
public sealed class FhirActionsTests
{
    [Theory]
    [InlineData("Binary", RecordAction.DownloadFile, AccessAction.FileDownloaded)]
    [InlineData("DocumentReference", RecordAction.ListFiles, AccessAction.RecordsViewed)]
    [InlineData("AuditEvent", RecordAction.ReadAccessLog, AccessAction.RecordsViewed)]
    [InlineData("Patient", RecordAction.ReadProfile, AccessAction.ProfileViewed)]
    [InlineData("AllergyIntolerance", RecordAction.ReadProfile, AccessAction.ProfileViewed)]
    [InlineData("Condition", RecordAction.ReadProfile, AccessAction.ProfileViewed)]
    [InlineData("MedicationStatement", RecordAction.ReadProfile, AccessAction.ProfileViewed)]
    public void ActionsOf_EachType_AreItsAccessRuleAndItsLogAction(string type, RecordAction rule, AccessAction logged)
    {
        FhirActions.RecordActionOf(type).Should().Be(rule);
        FhirActions.AccessActionOf(type).Should().Be(logged);
    }
}
