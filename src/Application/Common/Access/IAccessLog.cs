using MediVault.Domain.Audit;

namespace MediVault.Application.Common.Access;

/// <summary>Writes a patient's access log.</summary>
public interface IAccessLog
{
    /// <summary>
    /// Stages an entry for the current user in the pending changes, so it is saved in the same
    /// transaction as the action it records.
    /// </summary>
    void Record(Guid patientId, AccessAction action, ActorRole role, string resourceType, Guid? resourceId);

    /// <summary>Stages an entry for an actor named by the caller, e.g. a doctor reading through an OAuth client ("Dr Lee via Portal").</summary>
    void Record(Guid patientId, AccessAction action, AccessActor actor, string resourceType, Guid? resourceId);

    /// <summary>Stages an entry for an anonymous first responder who used an emergency code.</summary>
    void RecordEmergencyAccess(Guid patientId, Guid qrCodeId);

    /// <summary>
    /// Stages an entry for a request to a SMART Health Link (issue 17): the actor is the <paramref name="recipient"/> the
    /// requester named, role <c>recipient</c>, action <c>shl-opened</c>, with the request's outcome.
    /// </summary>
    void RecordLinkRequest(Guid patientId, Guid linkId, string recipient, AccessOutcome outcome);

    /// <summary>Writes at once that someone used an expired, revoked or used-up emergency code: the refusal saves nothing else.</summary>
    Task RecordRefusedEmergencyAccessAsync(Guid patientId, Guid qrCodeId, CancellationToken cancellationToken);

    /// <summary>Writes a refused attempt at once: the refused action itself saves nothing.</summary>
    Task RecordDeniedAsync(Guid patientId, AccessAction action, string resourceType, Guid? resourceId, CancellationToken cancellationToken);
}
