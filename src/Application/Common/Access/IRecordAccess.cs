using MediVault.Domain.Audit;

namespace MediVault.Application.Common.Access;

/// <summary>Decides whether the current user may act on a patient's records. Every use case that touches records asks it.</summary>
public interface IRecordAccess
{
    /// <summary>
    /// Returns the caller's role when the action is allowed. Otherwise records the refused attempt in the
    /// patient's access log and throws <see cref="Exceptions.NotFoundException"/>, so the caller learns nothing.
    /// </summary>
    Task<ActorRole> EnsureAsync(Guid patientId, RecordAction action, CancellationToken cancellationToken);
}
