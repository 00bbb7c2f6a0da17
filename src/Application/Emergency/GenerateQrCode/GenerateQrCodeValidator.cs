using FluentValidation;
using MediVault.Domain.Emergency;

namespace MediVault.Application.Emergency.GenerateQrCode;

internal sealed class GenerateQrCodeValidator : AbstractValidator<GenerateQrCode>
{
    public GenerateQrCodeValidator()
    {
        RuleFor(x => x.ExpiresInMinutes)
            .InclusiveBetween(QrAccessCode.MinLifetimeMinutes, QrAccessCode.MaxLifetimeMinutes)
            .WithMessage($"expiresInMinutes must be between {QrAccessCode.MinLifetimeMinutes} and {QrAccessCode.MaxLifetimeMinutes}.");
        RuleFor(x => x.MaxUses)
            .InclusiveBetween(1, QrAccessCode.MaxMaxUses)
            .WithMessage($"maxUses must be between 1 and {QrAccessCode.MaxMaxUses}.");
        RuleFor(x => x.Label)
            .MaximumLength(QrAccessCode.MaxLabelLength)
            .WithMessage($"label is longer than {QrAccessCode.MaxLabelLength} characters.")
            .Must(label => label is null || !label.Any(char.IsControl))
            .WithMessage("label cannot contain control characters.");
    }
}
