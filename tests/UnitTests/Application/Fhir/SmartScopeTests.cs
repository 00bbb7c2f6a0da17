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
    [InlineData("patient/*.*", SmartContext.Patient, "*", SmartPermissions.Read | SmartPermissions.Search)]
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
    [InlineData("patient/Pat1ent.rs")]     // a digit after a letter: every character must be a letter
    [InlineData("patient/Document-Reference.rs")]
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

    [Fact]
    public void TryParse_ATypeOf64Letters_IsAccepted_And65AreRefused()
    {
        var longest = "P" + new string('a', 63);

        SmartScope.TryParse($"user/{longest}.r", out var scope).Should().BeTrue();
        scope!.ResourceType.Should().Be(longest);
        SmartScope.TryParse($"user/{longest}a.r", out _).Should().BeFalse();
    }

    [Theory]
    [InlineData("patient/Condition.rs", "patient/Condition.rs")]
    [InlineData("user/*.read", "user/*.rs")]
    [InlineData("system/DocumentReference.r", "system/DocumentReference.r")]
    [InlineData("patient/Observation.s", "patient/Observation.s")]
    [InlineData("user/*.write", "user/*.")]
    [InlineData("system/Patient.cruds", "system/Patient.rs")]
    public void ToString_IsTheV2FormOfWhatWasParsed(string text, string expected)
    {
        SmartScope.TryParse(text, out var scope).Should().BeTrue();

        scope!.ToString().Should().Be(expected);
    }
}
