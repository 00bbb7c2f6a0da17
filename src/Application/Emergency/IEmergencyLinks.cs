namespace MediVault.Application.Emergency;

/// <summary>Builds the public address a QR code points at. Implemented by the WebApi, which knows the origin.</summary>
public interface IEmergencyLinks
{
    /// <summary><c>{PublicBaseUrl or the request's origin}/emergency/{token}</c>.</summary>
    string EmergencyPageUrl(string token);
}
