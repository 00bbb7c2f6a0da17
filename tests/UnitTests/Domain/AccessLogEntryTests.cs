using MediVault.Domain.Audit;
using MediVault.Domain.Common;

namespace MediVault.UnitTests.Domain;

public sealed class AccessLogEntryTests
{
    private static readonly DateTime Now = new(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc);

    private static AccessLogEntry Entry(Guid? patient = null, string resourceType = "file", string? userAgent = null) =>
        AccessLogEntry.Create(patient ?? Guid.NewGuid(), Now, AccessAction.FileDownloaded, Guid.NewGuid(), "Dr. D", ActorRole.Doctor,
            resourceType, Guid.NewGuid(), "10.0.0.1", userAgent, AccessOutcome.Denied);

    [Theory]
    [InlineData(0)]
    [InlineData(AccessLogEntry.MaxUserAgentLength)]
    public void Create_UserAgentUpToTheLimit_IsKeptWhole(int length) =>
        Entry(userAgent: new string('u', length)).UserAgent.Should().Be(new string('u', length));

    [Fact]
    public void Create_LongerUserAgent_IsCutToTheLimit() =>
        Entry(userAgent: new string('u', AccessLogEntry.MaxUserAgentLength + 1)).UserAgent.Should().Be(new string('u', AccessLogEntry.MaxUserAgentLength));

    [Fact]
    public void Create_NoUserAgent_StaysNull() =>
        Entry(userAgent: null).UserAgent.Should().BeNull();

    [Fact]
    public void Create_KeepsWhoDidWhatAndTheOutcome()
    {
        var patient = Guid.NewGuid();

        var entry = Entry(patient);

        entry.Should().BeEquivalentTo(new
        {
            PatientId = patient,
            Timestamp = Now,
            Action = AccessAction.FileDownloaded,
            ActorName = "Dr. D",
            ActorRole = ActorRole.Doctor,
            ResourceType = "file",
            IpAddress = "10.0.0.1",
            Outcome = AccessOutcome.Denied,
        });
        entry.Id.Should().NotBeEmpty();
    }

    [Fact]
    public void Create_WithoutPatientOrResourceType_Throws()
    {
        FluentActions.Invoking(() => Entry(Guid.Empty)).Should().Throw<DomainRuleException>();
        FluentActions.Invoking(() => Entry(resourceType: "")).Should().Throw<DomainRuleException>();
    }
}
