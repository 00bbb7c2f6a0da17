using MediVault.Application.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Caching.Memory;

namespace MediVault.Infrastructure.Identity;

/// <summary>What a presented code turned out to be.</summary>
public enum TwoFactorCodeOutcome
{
    Authenticator,
    RecoveryCode,
    Wrong,
    Locked,
}

/// <summary>
/// Checks a code from the authenticator app (Identity's <c>VerifyTwoFactorTokenAsync</c>, TOTP of RFC 6238) or a
/// recovery code. A code that worked once is refused for the next five minutes (RFC 6238 §5.2: a verifier must not
/// accept the same one-time password twice). Each wrong code counts towards the account's lockout (5 failures, 15
/// minutes) exactly like a wrong password; a lock ends every session of the account.
/// </summary>
public sealed class TwoFactorCodes(UserManager<ApplicationUser> users, SessionRevoker sessions, IMemoryCache cache)
{
    private static readonly TimeSpan ReplayWindow = TimeSpan.FromMinutes(5);

    public async Task<TwoFactorCodeOutcome> CheckAsync(ApplicationUser user, string code, bool allowRecoveryCode, CancellationToken cancellationToken)
    {
        if (await users.IsLockedOutAsync(user))
            return TwoFactorCodeOutcome.Locked;

        var digits = new string([.. code.Where(c => c != ' ' && c != '-')]);
        if (digits.Length == 6 && digits.All(char.IsAsciiDigit))
        {
            var replayKey = new UsedCode(user.Id, digits);
            if (!cache.TryGetValue(replayKey, out _)
                && await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, digits))
            {
                cache.Set(replayKey, true, ReplayWindow);
                await users.ResetAccessFailedCountAsync(user);
                return TwoFactorCodeOutcome.Authenticator;
            }
        }
        else if (allowRecoveryCode && (await users.RedeemTwoFactorRecoveryCodeAsync(user, code.Trim())).Succeeded)
        {
            await users.ResetAccessFailedCountAsync(user);
            return TwoFactorCodeOutcome.RecoveryCode;
        }

        await users.AccessFailedAsync(user);
        if (!await users.IsLockedOutAsync(user))
            return TwoFactorCodeOutcome.Wrong;
        await sessions.RevokeAllAsync(user.Id, keepSessionId: null, cancellationToken);
        return TwoFactorCodeOutcome.Locked;
    }

    /// <summary>A user's code that worked, remembered so it cannot work twice.</summary>
    private readonly record struct UsedCode(Guid UserId, string Code);
}
