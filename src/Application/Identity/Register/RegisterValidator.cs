using FluentValidation;
using MediVault.Domain.Common;
using MediVault.Domain.Identity;

namespace MediVault.Application.Identity.Register;

internal sealed class RegisterValidator : AbstractValidator<Register>
{
    public const int MaxPasswordLength = 128;
    public const int MinPasswordLength = 8;

    public RegisterValidator()
    {
        RuleFor(x => x.Email).NotEmpty().WithMessage("email is required.")
            .MaximumLength(256).EmailAddress().WithMessage("email must be an email address.");
        RuleFor(x => x.Password).NotEmpty().WithMessage("password is required.")
            .MinimumLength(MinPasswordLength).WithMessage($"password must be at least {MinPasswordLength} characters.")
            .MaximumLength(MaxPasswordLength).WithMessage($"password must be at most {MaxPasswordLength} characters.");
        RuleFor(x => x.FullName).NotEmpty().WithMessage("fullName is required.")
            .MaximumLength(200).WithMessage("fullName must be at most 200 characters.")
            .Must(NoControlCharacters).WithMessage("fullName must not contain control characters.")
            .Must(HasVisibleText).WithMessage("fullName is required.");
        RuleFor(x => x.AccountType).NotNull().WithMessage("accountType is required: patient or doctor.");
        When(x => x.AccountType == AccountType.Doctor, () =>
        {
            RuleFor(x => x.LicenseNumber).NotEmpty().WithMessage("licenseNumber is required for doctors.")
                .MaximumLength(64);
            RuleFor(x => x.Specialty).MaximumLength(100);
        });
    }

    /// <summary>Something is left once the bidirectional controls the account keeps out are gone.</summary>
    internal static bool HasVisibleText(string? value) => !string.IsNullOrWhiteSpace(UserText.WithoutBidiControls(value));

    internal static bool NoControlCharacters(string? value) => value is null || !value.Any(char.IsControl);
}
