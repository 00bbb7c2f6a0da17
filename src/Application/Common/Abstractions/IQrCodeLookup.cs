using MediVault.Domain.Emergency;

namespace MediVault.Application.Common.Abstractions;

/// <summary>Finds the emergency code a token opens, with its patient's profile (untracked, for reading).</summary>
public interface IQrCodeLookup
{
    /// <summary>
    /// The code whose stored hash is <paramref name="tokenHash"/> and its patient's emergency profile (null while the
    /// patient has none), in one statement; null when no code has that hash.
    /// </summary>
    Task<QrCodeWithProfile?> FindByTokenHashAsync(string tokenHash, CancellationToken cancellationToken);
}

/// <summary>An emergency code and its patient's profile, as read together.</summary>
public sealed record QrCodeWithProfile(QrAccessCode Code, EmergencyProfile? Profile);
