using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace MediVault.Application.Emergency;

/// <summary>
/// The secret in an emergency link: 256 random bits, base64url without padding (43 characters). Only its SHA-256 is
/// stored, so a copy of the database opens no profile.
/// </summary>
public static class QrToken
{
    public const int RandomBytes = 32;
    public const int Length = 43;

    /// <summary>A fresh token from the operating system's cryptographic random number generator.</summary>
    public static string Create() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RandomBytes));

    /// <summary>Lower-case hex SHA-256 of the token's ASCII characters, as stored in <c>QrAccessCodes.TokenHash</c>.</summary>
    public static string Hash(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));

    /// <summary>Could this be a token we issued? Anything else is unknown without asking the database.</summary>
    public static bool IsWellFormed(string? token) =>
        token is { Length: Length } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>Compares two hashes in time that does not depend on where they differ.</summary>
    public static bool HashesEqual(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
}
