using MediVault.Application.Identity;
using MediVault.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

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
/// minutes) exactly like a wrong password; a lock ends every session of the account. Used codes are kept in the
/// database (<c>UsedTwoFactorCodes</c>), so a code that worked on one instance is refused by every other (issue 13).
/// </summary>
public sealed class TwoFactorCodes(UserManager<ApplicationUser> users, SessionRevoker sessions, AppDbContext db, TimeProvider clock)
{
    private static readonly TimeSpan ReplayWindow = TimeSpan.FromMinutes(5);

    public async Task<TwoFactorCodeOutcome> CheckAsync(ApplicationUser user, string code, bool allowRecoveryCode, CancellationToken cancellationToken)
    {
        if (await users.IsLockedOutAsync(user))
            return TwoFactorCodeOutcome.Locked;

        var digits = new string([.. code.Where(c => c != ' ' && c != '-')]);
        if (digits.Length == 6 && digits.All(char.IsAsciiDigit))
        {
            if (!await WasUsedAsync(user.Id, digits, cancellationToken)
                && await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, digits)
                && await ClaimAsync(user.Id, digits, cancellationToken))
            {
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

    private async Task<bool> WasUsedAsync(Guid userId, string code, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        return await db.Set<SharedState.UsedTwoFactorCode>().AsNoTracking()
            .AnyAsync(c => c.UserId == userId && c.Code == code && c.ExpiresAtUnixSeconds > now, cancellationToken);
    }

    /// <summary>
    /// Records the code as used. Of two requests racing with the same right code (on one instance or two), the insert
    /// of only one succeeds; the other is answered as a wrong code.
    /// </summary>
    private async Task<bool> ClaimAsync(Guid userId, string code, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var expires = now + (long)ReplayWindow.TotalSeconds;
        // Expired entries go first (this code's own, if it was used long ago, and everyone's older than a minute past).
        await db.Database.ExecuteSqlAsync(
            $"""DELETE FROM "UsedTwoFactorCodes" WHERE "ExpiresAtUnixSeconds" <= {now} AND ("UserId" = {userId} OR "ExpiresAtUnixSeconds" < {now - 60})""",
            cancellationToken);
        return await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO "UsedTwoFactorCodes" ("UserId", "Code", "ExpiresAtUnixSeconds") VALUES ({userId}, {code}, {expires})
            ON CONFLICT ("UserId", "Code") DO NOTHING
            """, cancellationToken) == 1;
    }
}
