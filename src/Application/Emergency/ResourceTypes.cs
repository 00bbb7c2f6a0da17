namespace MediVault.Application.Emergency;

/// <summary>The <c>resourceType</c> values this module writes into the access log.</summary>
public static class ResourceTypes
{
    public const string EmergencyProfile = "emergency-profile";
    public const string QrCode = "qr-code";
}
