using FluentValidation;

namespace MediVault.Application.Identity.TwoFactor;

/// <summary>The shape of a code: 6 digits from the app, or a recovery code (letters, digits and a dash).</summary>
public static class TwoFactorCodeRule
{
    public const int MaxLength = 32;

    public static IRuleBuilderOptions<T, string?> TwoFactorCode<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage("code is required.")
            .MaximumLength(MaxLength).WithMessage($"code must be at most {MaxLength} characters.")
            .Must(IsWellFormed).WithMessage("code must be the 6 digits your authenticator app shows, or a recovery code.");

    public static bool IsWellFormed(string? code) =>
        code is null || code.Trim().All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or ' ');
}
