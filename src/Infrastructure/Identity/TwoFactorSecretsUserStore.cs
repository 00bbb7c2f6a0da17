using System.Security.Cryptography;
using System.Text;
using MediVault.Infrastructure.Persistence;
using MediVault.Infrastructure.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;

namespace MediVault.Infrastructure.Identity;

/// <summary>
/// Identity's user store, except for the two secrets of two-factor sign-in, which Identity's own store keeps as plain
/// text in <c>AspNetUserTokens</c>:
/// <list type="bullet">
/// <item>recovery codes are kept as SHA-256 hashes ("RecoveryCodes", joined by ';'), compared upper-case and trimmed,
/// as people type them;</item>
/// <item>the authenticator key is sealed with AES-256-GCM under a key derived from the master key, bound to its user
/// (<see cref="SealedAuthenticatorKey"/>).</item>
/// </list>
/// So a copy of the database alone (a leaked backup) neither signs anybody in nor makes their codes.
/// </summary>
internal sealed class TwoFactorSecretsUserStore(AppDbContext context, MasterKey masterKey, IdentityErrorDescriber? describer = null)
    : UserOnlyStore<ApplicationUser, AppDbContext, Guid>(context, describer)
{
    // Identity's names for the rows (UserStoreBase's private constants), so the secrets stay where Identity looks.
    private const string Provider = "[AspNetUserStore]";
    private const string RecoveryCodes = "RecoveryCodes";
    private const string AuthenticatorKey = "AuthenticatorKey";

    public override Task ReplaceCodesAsync(ApplicationUser user, IEnumerable<string> recoveryCodes, CancellationToken cancellationToken) =>
        SetTokenAsync(user, Provider, RecoveryCodes, string.Join(';', recoveryCodes.Select(Hash)), cancellationToken);

    public override async Task<bool> RedeemCodeAsync(ApplicationUser user, string code, CancellationToken cancellationToken)
    {
        var hashes = ((await GetTokenAsync(user, Provider, RecoveryCodes, cancellationToken)) ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries);
        var presented = Hash(code);
        var match = hashes.FirstOrDefault(h => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(h), Encoding.ASCII.GetBytes(presented)));
        if (match is null)
            return false;
        await SetTokenAsync(user, Provider, RecoveryCodes, string.Join(';', hashes.Where(h => h != match)), cancellationToken);
        return true;
    }

    public override Task SetAuthenticatorKeyAsync(ApplicationUser user, string key, CancellationToken cancellationToken) =>
        SetTokenAsync(user, Provider, AuthenticatorKey, SealedAuthenticatorKey.Seal(masterKey, user.Id, key), cancellationToken);

    public override async Task<string?> GetAuthenticatorKeyAsync(ApplicationUser user, CancellationToken cancellationToken) =>
        await GetTokenAsync(user, Provider, AuthenticatorKey, cancellationToken) is { } stored
            ? SealedAuthenticatorKey.Open(masterKey, user.Id, stored)
            : null;

    public static string Hash(string code) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code.Trim().ToUpperInvariant())));
}

/// <summary>
/// An authenticator key at rest: <c>sealed1:</c> then base64 of nonce (12) ‖ AES-256-GCM ciphertext ‖ tag (16), under
/// HKDF-SHA256(master key, "medivault-authenticator-key-v1"), with the user's id as associated data (a sealed key copied
/// onto another account does not open there). A value without the prefix is a key stored before sealing began: it is
/// read as it is, and sealed the next time two-factor sign-in is set up.
/// </summary>
internal static class SealedAuthenticatorKey
{
    public const string Prefix = "sealed1:";
    private const string Purpose = "medivault-authenticator-key-v1";

    public static string Seal(MasterKey masterKey, Guid userId, string authenticatorKey)
    {
        var key = masterKey.DeriveKey(Purpose);
        try
        {
            var plaintext = Encoding.UTF8.GetBytes(authenticatorKey);
            var sealedValue = new byte[BlobFormat.NonceLength + plaintext.Length + BlobFormat.TagLength];
            var nonce = sealedValue.AsSpan(0, BlobFormat.NonceLength);
            RandomNumberGenerator.Fill(nonce);
            using var aes = new AesGcm(key, BlobFormat.TagLength);
            aes.Encrypt(nonce, plaintext, sealedValue.AsSpan(BlobFormat.NonceLength, plaintext.Length),
                sealedValue.AsSpan(BlobFormat.NonceLength + plaintext.Length), userId.ToByteArray());
            return Prefix + Convert.ToBase64String(sealedValue);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>The key, or a <see cref="CryptographicException"/> when the value is damaged or belongs to another account.</summary>
    public static string Open(MasterKey masterKey, Guid userId, string stored)
    {
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal))
            return stored;
        var sealedValue = Convert.FromBase64String(stored[Prefix.Length..]);
        if (sealedValue.Length < BlobFormat.NonceLength + BlobFormat.TagLength)
            throw new CryptographicException("The sealed authenticator key is too short.");
        var key = masterKey.DeriveKey(Purpose);
        try
        {
            var plaintext = new byte[sealedValue.Length - BlobFormat.NonceLength - BlobFormat.TagLength];
            using var aes = new AesGcm(key, BlobFormat.TagLength);
            aes.Decrypt(sealedValue.AsSpan(0, BlobFormat.NonceLength), sealedValue.AsSpan(BlobFormat.NonceLength, plaintext.Length),
                sealedValue.AsSpan(BlobFormat.NonceLength + plaintext.Length), plaintext, userId.ToByteArray());
            return Encoding.UTF8.GetString(plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
