using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;

namespace MediVault.Infrastructure.Identity;

/// <summary>
/// The check behind the passkey grant: spends the ceremony, has Identity verify the assertion (challenge, origin, RP id,
/// signature, user verification, the credential's owner), and keeps the passkey's new signature count.
/// </summary>
public sealed class PasskeySignIn(UserManager<ApplicationUser> users, IPasskeyHandler<ApplicationUser> handler, PasskeyCeremonies ceremonies)
{
    /// <summary>The account the passkey belongs to, or the reason it signs nobody in.</summary>
    public async Task<(ApplicationUser? User, string? PasskeyId, string? Failure)> VerifyAsync(string? ceremony, string? credentialJson, HttpContext context)
    {
        var state = ceremonies.Take(ceremony, PasskeyCeremonyKind.SignIn, userId: null);
        if (state is null)
            return (null, null, PasskeyGrant.Expired);
        if (string.IsNullOrEmpty(credentialJson))
            return (null, null, PasskeyGrant.Failed);
        var result = await handler.PerformAssertionAsync(new PasskeyAssertionContext
        {
            CredentialJson = credentialJson,
            AssertionState = state,
            HttpContext = context,
        });
        if (!result.Succeeded)
            return (null, null, PasskeyGrant.Failed);
        await users.AddOrUpdatePasskeyAsync(result.User, result.Passkey);
        return (result.User, Passkeys.IdOf(result.Passkey.CredentialId), null);
    }
}
