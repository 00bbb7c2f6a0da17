using MediVault.Application.Common.Access;

namespace MediVault.UnitTests.Application.Fhir;

public sealed class SmartScopeTests
{
    [Theory]
    [InlineData("patient/*.rs", SmartContext.Patient, "*", SmartPermissions.Read | SmartPermissions.Search)]
    [InlineData("user/Condition.r", SmartContext.User, "Condition", SmartPermissions.Read)]
    [InlineData("system/DocumentReference.s", SmartContext.System, "DocumentReference", SmartPermissions.Search)]
    [InlineData("patient/Patient.cruds", SmartContext.Patient, "Patient", SmartPermissions.Read | SmartPermissions.Search)]
    [InlineData("patient/Patient.read", SmartContext.Patient, "Patient", SmartPermissions.Read | SmartPermissions.Search)]
    [InlineData("user/*.write", SmartContext.User, "*", SmartPermissions.None)]
    [InlineData("user/Patient.cu", SmartContext.User, "Patient", SmartPermissions.None)]
    public void TryParse_ResourceScope_ReadsContextTypeAndPermissions(string text, SmartContext context, string type, SmartPermissions permissions)
    {
        SmartScope.TryParse(text, out var scope).Should().BeTrue();

        scope.Should().Be(new SmartScope(context, type, permissions));
    }

    [Theory]
    [InlineData("openid")]
    [InlineData("launch/patient")]
    [InlineData("medivault.api")]
    [InlineData("patient/.rs")]
    [InlineData("patient/*.")]
    [InlineData("doctor/*.rs")]
    [InlineData("patient/observation.rs")]
    [InlineData("patient/*.sr")]
    [InlineData("patient/*.rr")]
    [InlineData("patient/*.x")]
    [InlineData("")]
    public void TryParse_NotAResourceScope_IsRefused(string text)
    {
        SmartScope.TryParse(text, out _).Should().BeFalse();
    }

    [Theory]
    [InlineData("patient/*.rs", "AuditEvent", SmartPermissions.Read, true)]
    [InlineData("patient/Condition.rs", "Condition", SmartPermissions.Search, true)]
    [InlineData("patient/Condition.rs", "Patient", SmartPermissions.Read, false)]
    [InlineData("patient/Condition.r", "Condition", SmartPermissions.Search, false)]
    [InlineData("user/*.write", "Patient", SmartPermissions.Read, false)]
    public void Allows_NeedsTheTypeAndEveryPermission(string text, string type, SmartPermissions needed, bool allowed)
    {
        SmartScope.TryParse(text, out var scope).Should().BeTrue();

        scope!.Allows(type, needed).Should().Be(allowed);
    }
}
