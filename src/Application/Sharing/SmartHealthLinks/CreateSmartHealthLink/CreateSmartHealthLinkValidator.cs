using FluentValidation;
using MediVault.Domain.Sharing;

namespace MediVault.Application.Sharing.SmartHealthLinks.CreateSmartHealthLink;

internal sealed class CreateSmartHealthLinkValidator : AbstractValidator<CreateSmartHealthLink>
{
    public CreateSmartHealthLinkValidator()
    {
        RuleFor(x => x.Label)
            .MaximumLength(SmartHealthLink.MaxLabelLength).WithMessage($"label is longer than {SmartHealthLink.MaxLabelLength} characters.")
            .Must(label => label is null || !label.Any(char.IsControl)).WithMessage("label cannot contain control characters.");
        RuleFor(x => x.ExpiresInMinutes)
            .InclusiveBetween(SmartHealthLink.MinLifetimeMinutes, SmartHealthLink.MaxLifetimeMinutes)
            .WithMessage($"expiresInMinutes must be between {SmartHealthLink.MinLifetimeMinutes} and {SmartHealthLink.MaxLifetimeMinutes}.");
        RuleFor(x => x.Passcode)
            .Length(ShlPasscode.MinLength, ShlPasscode.MaxLength)
            .WithMessage($"passcode must be {ShlPasscode.MinLength} to {ShlPasscode.MaxLength} characters.")
            .Must(passcode => passcode is null || !passcode.Any(char.IsControl)).WithMessage("passcode cannot contain control characters.");
        RuleFor(x => x.MaxPasscodeAttempts)
            .InclusiveBetween(1, SmartHealthLink.MaxPasscodeAttemptsLimit)
            .WithMessage($"maxPasscodeAttempts must be between 1 and {SmartHealthLink.MaxPasscodeAttemptsLimit}.");
        RuleFor(x => x.MaxPasscodeAttempts)
            .Null().When(x => x.Passcode is null).WithMessage("maxPasscodeAttempts needs a passcode.");
        RuleFor(x => x.DirectFile)
            .NotEqual(true).When(x => x.Passcode is not null).WithMessage("directFile (the U flag) cannot be combined with a passcode.");
        RuleFor(x => x.DirectFile)
            .NotEqual(true).When(x => x.Include is { } include && include.Count != 1)
            .WithMessage("directFile (the U flag) shares exactly one thing: the emergency summary or one file.");
        RuleFor(x => x.Include).NotNull().WithMessage("include is required: { \"emergencySummary\": true, \"fileIds\": [...] }.");
        RuleFor(x => x.Include!)
            .Must(include => include.Count > 0).WithMessage("include must name the emergency summary or at least one file.")
            .When(x => x.Include is not null);
        RuleFor(x => x.Include!.FileIds)
            .Must(ids => ids!.Count <= ShlContent.MaxFiles).WithMessage($"include.fileIds holds at most {ShlContent.MaxFiles} files.")
            .Must(ids => ids!.Distinct().Count() == ids!.Count).WithMessage("include.fileIds names a file twice.")
            .Must(ids => !ids!.Contains(Guid.Empty)).WithMessage("include.fileIds holds an empty id.")
            .When(x => x.Include?.FileIds is not null)
            .OverridePropertyName("include.fileIds");
    }
}
