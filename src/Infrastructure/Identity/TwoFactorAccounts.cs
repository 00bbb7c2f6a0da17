using System.Globalization;
using System.Text;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Emergency;
using MediVault.Application.Identity;
using MediVault.Application.Identity.TwoFactor;
using MediVault.Domain.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Caching.Memory;

namespace MediVault.Infrastructure.Identity;

/// <summary>Enrolment, recovery codes and switching off, on ASP.NET Core Identity's authenticator support.</summary>
internal sealed class TwoFactorAccounts(
    UserManager<ApplicationUser> users, TwoFactorCodes codes, IQrCodeRenderer qr, IMemoryCache cache) : ITwoFactorAccounts
{
    public const int RecoveryCodeCount = 10;
    public const string Issuer = "MediVault";
    public const string WrongCode = "The code is not correct. Use the current 6-digit code from your authenticator app.";
    public const string LockedOut = "Too many wrong codes. The account is locked for 15 minutes.";

    public async Task<TwoFactorStatus> GetStatusAsync(Guid userId, CancellationToken cancellationToken)
    {
        var user = await FindAsync(userId);
        return new TwoFactorStatus(
            user.TwoFactorEnabled, user.AccountType == AccountType.Doctor,
            user.TwoFactorEnabled ? await users.CountRecoveryCodesAsync(user) : 0);
    }

    public async Task<AuthenticatorSetup> BeginSetupAsync(Guid userId, CancellationToken cancellationToken)
    {
        var user = await FindAsync(userId);
        if (user.TwoFactorEnabled)
            throw new ConflictException("Two-factor sign-in is already on. Turn it off first to set up another authenticator app.");
        ThrowIfFailed(await users.ResetAuthenticatorKeyAsync(user));
        var key = (await users.GetAuthenticatorKeyAsync(user))!;
        var uri = AuthenticatorUri(user.Email ?? user.Id.ToString(), key);
        return new AuthenticatorSetup(Grouped(key), uri, "data:image/png;base64," + Convert.ToBase64String(qr.Render(uri).Png));
    }

    public async Task<IReadOnlyList<string>> ConfirmSetupAsync(Guid userId, string code, CancellationToken cancellationToken)
    {
        var user = await FindAsync(userId);
        if (user.TwoFactorEnabled)
            throw new ConflictException("Two-factor sign-in is already on.");
        if (await users.GetAuthenticatorKeyAsync(user) is null)
            throw new ConflictException("Start the setup first (POST /api/auth/two-factor/setup).");
        await RequireCodeAsync(user, code, allowRecoveryCode: false, cancellationToken);

        ThrowIfFailed(await users.SetTwoFactorEnabledAsync(user, true));
        var recovery = await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount);
        AccountService.Forget(cache, userId);
        return [.. recovery!];
    }

    public async Task DisableAsync(Guid userId, string code, CancellationToken cancellationToken)
    {
        var user = await FindAsync(userId);
        if (!user.TwoFactorEnabled)
            throw new ConflictException("Two-factor sign-in is not on.");
        await RequireCodeAsync(user, code, allowRecoveryCode: true, cancellationToken);
        ThrowIfFailed(await users.SetTwoFactorEnabledAsync(user, false));
        ThrowIfFailed(await users.RemoveAuthenticationTokenAsync(user, "[AspNetUserStore]", "AuthenticatorKey"));
        ThrowIfFailed(await users.RemoveAuthenticationTokenAsync(user, "[AspNetUserStore]", "RecoveryCodes"));
        AccountService.Forget(cache, userId);
    }

    public async Task<IReadOnlyList<string>> RegenerateRecoveryCodesAsync(Guid userId, string code, CancellationToken cancellationToken)
    {
        var user = await FindAsync(userId);
        if (!user.TwoFactorEnabled)
            throw new ConflictException("Two-factor sign-in is not on.");
        await RequireCodeAsync(user, code, allowRecoveryCode: false, cancellationToken);
        return [.. (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))!];
    }

    /// <summary>The Key URI Format of Google Authenticator, which every authenticator app reads.</summary>
    public static string AuthenticatorUri(string accountName, string key) =>
        string.Create(CultureInfo.InvariantCulture,
            $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(accountName)}?secret={key}&issuer={Uri.EscapeDataString(Issuer)}&digits=6&period=30");

    private async Task RequireCodeAsync(ApplicationUser user, string code, bool allowRecoveryCode, CancellationToken cancellationToken)
    {
        switch (await codes.CheckAsync(user, code, allowRecoveryCode, cancellationToken))
        {
            case TwoFactorCodeOutcome.Wrong:
                throw new ValidationFailedException("code", WrongCode);
            case TwoFactorCodeOutcome.Locked:
                throw new UnauthorizedException(LockedOut);
        }
    }

    private async Task<ApplicationUser> FindAsync(Guid userId) =>
        await users.FindByIdAsync(userId.ToString()) ?? throw new UnauthorizedException("The account no longer exists.");

    private static string Grouped(string key)
    {
        var text = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4)
            text.Append(text.Length > 0 ? " " : "").Append(key.AsSpan(i, Math.Min(4, key.Length - i)));
        return text.ToString().ToLowerInvariant();
    }

    private static void ThrowIfFailed(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException("Identity refused a two-factor change: " + string.Join(", ", result.Errors.Select(e => e.Code)));
    }
}
