using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace MediVault.Application.Sharing.SmartHealthLinks;

/// <summary>
/// A link's manifest id: 256 random bits, base64url without padding (43 characters), the last path segment of its
/// <c>url</c>. Only its SHA-256 is stored; look-ups go by the hash and end with a fixed-time comparison.
/// </summary>
public static class ShlIds
{
    public const int RandomBytes = 32;
    public const int Length = 43;

    public static string Create() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RandomBytes));

    /// <summary>Lower-case hex SHA-256 of the id's ASCII characters.</summary>
    public static string Hash(string id) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(id)));

    public static bool IsWellFormed(string? id) =>
        id is { Length: Length } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static bool HashesEqual(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
}

/// <summary>The access log's <c>resourceType</c> for SMART Health Links.</summary>
public static class ShlLogNames
{
    public const string ResourceType = "smart-health-link";
}
