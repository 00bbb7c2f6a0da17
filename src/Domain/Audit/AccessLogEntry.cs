using MediVault.Domain.Common;

namespace MediVault.Domain.Audit;

/// <summary>One line of a patient's access log: who did what to which of the patient's resources.</summary>
public sealed class AccessLogEntry
{
    public const int MaxUserAgentLength = 512;

    private AccessLogEntry() { } // EF Core

    public Guid Id { get; private set; }
    /// <summary>The patient whose log this entry belongs to.</summary>
    public Guid PatientId { get; private set; }
    public DateTime Timestamp { get; private set; }
    public AccessAction Action { get; private set; }
    public Guid? ActorId { get; private set; }
    public string ActorName { get; private set; } = "";
    public ActorRole ActorRole { get; private set; }
    public string ResourceType { get; private set; } = "";
    public Guid? ResourceId { get; private set; }
    public string? IpAddress { get; private set; }
    public string? UserAgent { get; private set; }
    public AccessOutcome Outcome { get; private set; }

    public static AccessLogEntry Create(
        Guid patientId, DateTime timestamp, AccessAction action, Guid? actorId, string actorName, ActorRole actorRole,
        string resourceType, Guid? resourceId, string? ipAddress, string? userAgent, AccessOutcome outcome) =>
        new()
        {
            Id = Guid.CreateVersion7(),
            PatientId = Guard.NotEmpty(patientId, nameof(patientId)),
            Timestamp = Guard.Utc(timestamp, nameof(timestamp)),
            Action = action,
            ActorId = actorId,
            ActorName = UserText.WithoutBidiControls(actorName)!,
            ActorRole = actorRole,
            ResourceType = Guard.NotBlank(resourceType, nameof(resourceType)),
            ResourceId = resourceId,
            IpAddress = ipAddress,
            UserAgent = UserText.WithoutBidiControls(userAgent) is { Length: > MaxUserAgentLength } agent ? agent[..MaxUserAgentLength] : UserText.WithoutBidiControls(userAgent),
            Outcome = outcome,
        };
}
