namespace MediVault.Application.Emergency;

/// <summary>Builds the public address a QR code points at. Implemented by the WebApi, which knows the origin.</summary>
public interface IEmergencyLinks
{
    /// <summary><c>{PublicBaseUrl or the request's origin}/emergency/{token}</c>.</summary>
    string EmergencyPageUrl(string token);

    /// <summary>
    /// <c>{PublicBaseUrl or the request's origin}/emergency#t={token}</c>: the path-free form, whose token stays in the
    /// fragment and so never reaches a server, a proxy or a log (OWASP ASVS 14.2.1).
    /// </summary>
    string PathFreeEmergencyPageUrl(string token);
}
