using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace MediVault.Application.Identity.ResetPassword;

/// <summary>
/// The secret in a password-reset link: 256 random bits, base64url without padding (43 characters). Only its SHA-256
/// is stored (<c>PasswordResetTokens.TokenHash</c>).
/// </summary>
public static class ResetLinkToken
{
    public const int Length = 43;

    public static string Create() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));

    /// <summary>Could this be a token we issued? Anything else is refused without asking the database.</summary>
    public static bool IsWellFormed(string? token) =>
        token is { Length: Length } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
