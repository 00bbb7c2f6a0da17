namespace MediVault.Application.Identity.TwoFactor;

/// <summary>
/// Two-factor sign-in with an authenticator app (TOTP, RFC 6238) through ASP.NET Core Identity's authenticator support.
/// Every method that changes the setup of an account that has it on asks for a current code (or a recovery code), so
/// a stolen session alone cannot turn it off.
/// </summary>
public interface ITwoFactorAccounts
{
    Task<TwoFactorStatus> GetStatusAsync(Guid userId, CancellationToken cancellationToken);

    /// <summary>A fresh authenticator key (replacing an unconfirmed one). Throws ConflictException when two-factor is on.</summary>
    Task<AuthenticatorSetup> BeginSetupAsync(Guid userId, CancellationToken cancellationToken);

    /// <summary>Turns two-factor on with a code from the new key; returns the 10 recovery codes, shown this once.</summary>
    Task<IReadOnlyList<string>> ConfirmSetupAsync(Guid userId, string code, CancellationToken cancellationToken);

    /// <summary>Turns two-factor off and forgets the key and the recovery codes.</summary>
    Task DisableAsync(Guid userId, string code, CancellationToken cancellationToken);

    /// <summary>Replaces the recovery codes with 10 new ones.</summary>
    Task<IReadOnlyList<string>> RegenerateRecoveryCodesAsync(Guid userId, string code, CancellationToken cancellationToken);
}

/// <param name="Enabled">Sign-in asks for a code.</param>
/// <param name="Required">The account may not work without it (doctors).</param>
/// <param name="RecoveryCodesLeft">Unused recovery codes.</param>
public sealed record TwoFactorStatus(bool Enabled, bool Required, int RecoveryCodesLeft);

/// <param name="SharedKey">The key to type into an authenticator app (base32, in groups of four).</param>
/// <param name="AuthenticatorUri">The <c>otpauth://totp/…</c> URI the QR code holds.</param>
/// <param name="QrCodePng">The QR code as a <c>data:image/png;base64,…</c> URL.</param>
public sealed record AuthenticatorSetup(string SharedKey, string AuthenticatorUri, string QrCodePng);

/// <summary>The answer that carries recovery codes: shown once, stored only as hashes.</summary>
public sealed record RecoveryCodes(IReadOnlyList<string> Codes);
