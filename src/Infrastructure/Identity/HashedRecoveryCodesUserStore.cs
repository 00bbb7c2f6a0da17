using System.Security.Cryptography;
using System.Text;
using MediVault.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;

namespace MediVault.Infrastructure.Identity;

/// <summary>
/// Identity's user store, except that two-factor recovery codes are kept as SHA-256 hashes. Identity's own store
/// keeps them as plain text (<c>AspNetUserTokens</c>, "RecoveryCodes", joined by ';'); here the same row holds their
/// hashes, so a copy of the database signs nobody in. A code is compared upper-case and trimmed, as people type it.
/// </summary>
internal sealed class HashedRecoveryCodesUserStore(AppDbContext context, IdentityErrorDescriber? describer = null)
    : UserOnlyStore<ApplicationUser, AppDbContext, Guid>(context, describer)
{
    // Identity's names for the row (UserStoreBase's private constants), so the codes stay where Identity counts them.
    private const string Provider = "[AspNetUserStore]";
    private const string Name = "RecoveryCodes";

    public override Task ReplaceCodesAsync(ApplicationUser user, IEnumerable<string> recoveryCodes, CancellationToken cancellationToken) =>
        SetTokenAsync(user, Provider, Name, string.Join(';', recoveryCodes.Select(Hash)), cancellationToken);

    public override async Task<bool> RedeemCodeAsync(ApplicationUser user, string code, CancellationToken cancellationToken)
    {
        var hashes = ((await GetTokenAsync(user, Provider, Name, cancellationToken)) ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries);
        var presented = Hash(code);
        var match = hashes.FirstOrDefault(h => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(h), Encoding.ASCII.GetBytes(presented)));
        if (match is null)
            return false;
        await SetTokenAsync(user, Provider, Name, string.Join(';', hashes.Where(h => h != match)), cancellationToken);
        return true;
    }

    public static string Hash(string code) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code.Trim().ToUpperInvariant())));
}
