using MediVault.Domain.Emergency;

namespace MediVault.Application.Common.Abstractions;

/// <summary>Finds a patient's emergency profile (untracked, for reading).</summary>
public interface IEmergencyProfileLookup
{
    /// <summary>The profile of <paramref name="patientId"/>, or null while the patient has saved none.</summary>
    Task<EmergencyProfile?> FindAsync(Guid patientId, CancellationToken cancellationToken);
}
