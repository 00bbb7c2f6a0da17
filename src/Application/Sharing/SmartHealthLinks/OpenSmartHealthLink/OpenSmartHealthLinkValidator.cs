using FluentValidation;
using MediVault.Domain.Sharing;

namespace MediVault.Application.Sharing.SmartHealthLinks.OpenSmartHealthLink;

/// <summary>The recipient's name, the one rule for the manifest request and the direct-file request.</summary>
internal static class RecipientRules
{
    public static IRuleBuilderOptions<T, string?> ValidRecipient<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(r => !string.IsNullOrWhiteSpace(r)).WithMessage("recipient is required: who is opening the link.")
            .MaximumLength(SmartHealthLink.MaxRecipientLength).WithMessage($"recipient is longer than {SmartHealthLink.MaxRecipientLength} characters.")
            .Must(r => r is null || !r.Any(char.IsControl)).WithMessage("recipient cannot contain control characters.");
}

internal sealed class OpenSmartHealthLinkValidator : AbstractValidator<OpenSmartHealthLink>
{
    public OpenSmartHealthLinkValidator()
    {
        RuleFor(x => x.Recipient).ValidRecipient();
        RuleFor(x => x.Passcode).MaximumLength(1024).WithMessage("passcode is too long.");
        RuleFor(x => x.EmbeddedLengthMax).GreaterThanOrEqualTo(0).WithMessage("embeddedLengthMax cannot be negative.");
    }
}
