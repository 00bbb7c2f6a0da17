using FluentValidation;

namespace MediVault.Application.Identity.Passkeys;

/// <summary>The shape of a passkey's <see cref="PasskeyDto.Id"/>: 32 lower-case hex digits.</summary>
public static class PasskeyIdRule
{
    public const int Length = 32;

    public static IRuleBuilderOptions<T, string?> PasskeyId<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(IsWellFormed).WithMessage($"id must be a passkey id from GET /api/account/passkeys ({Length} hex digits).");

    public static bool IsWellFormed(string? id) => id is { Length: Length } && id.All(char.IsAsciiHexDigitLower);
}
