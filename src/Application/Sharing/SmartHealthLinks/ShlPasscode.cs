using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MediVault.Application.Sharing.SmartHealthLinks;

/// <summary>
/// A link's passcode is kept only as PBKDF2-HMAC-SHA256 (16-byte salt, <see cref="Iterations"/> rounds), written
/// <c>pbkdf2-sha256$iterations$salt$hash</c> (base64). A database copy gives no passcode outright, and the lifetime
/// attempt limit, not the hash, is what stops guessing online (decisions #62).
/// </summary>
public static class ShlPasscode
{
    public const int Iterations = 100_000;
    public const int MinLength = 4;
    public const int MaxLength = 64;
    private const string Prefix = "pbkdf2-sha256";

    public static string Hash(string passcode)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(passcode), salt, Iterations, HashAlgorithmName.SHA256, 32);
        return string.Join('$', Prefix, Iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    /// <summary>Whether <paramref name="passcode"/> is the one hashed; the comparison takes the same time wherever they differ.</summary>
    public static bool Matches(string? passcode, string stored)
    {
        var parts = stored.Split('$');
        if (passcode is null || parts.Length != 4 || parts[0] != Prefix || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations))
            return false;
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(passcode), Convert.FromBase64String(parts[2]), iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}
