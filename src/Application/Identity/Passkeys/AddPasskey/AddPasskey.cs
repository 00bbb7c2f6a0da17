using FluentValidation;
using Mediator;
using MediVault.Application.Common.Abstractions;

namespace MediVault.Application.Identity.Passkeys.AddPasskey;

/// <summary>Keeps the passkey the browser created for a registration ceremony, under a name the person chose.</summary>
/// <param name="Ceremony">The id <c>POST /api/account/passkeys/options</c> answered.</param>
/// <param name="CredentialJson">The JSON form of the <c>PublicKeyCredential</c> from <c>navigator.credentials.create()</c>.</param>
/// <param name="Name">How the person will recognise it.</param>
public sealed record AddPasskey(string? Ceremony, string? CredentialJson, string? Name) : ICommand<PasskeyDto>;

public sealed class AddPasskeyHandler(ICurrentUser currentUser, IPasskeys passkeys) : ICommandHandler<AddPasskey, PasskeyDto>
{
    public async ValueTask<PasskeyDto> Handle(AddPasskey command, CancellationToken cancellationToken) =>
        await passkeys.AddAsync(currentUser.RequireUserId(), command.Ceremony!, command.CredentialJson!, command.Name!.Trim(), cancellationToken);
}

internal sealed class AddPasskeyValidator : AbstractValidator<AddPasskey>
{
    public AddPasskeyValidator()
    {
        RuleFor(x => x.Ceremony).NotEmpty().WithMessage("ceremony is required: start with POST /api/account/passkeys/options.")
            .MaximumLength(PasskeyRules.MaxCeremonyLength).WithMessage("ceremony is not one this server issued.");
        RuleFor(x => x.CredentialJson).NotEmpty().WithMessage("credential is required: the object navigator.credentials.create() answered, as JSON.")
            .MaximumLength(PasskeyRules.MaxCredentialJsonLength).WithMessage($"credential must be at most {PasskeyRules.MaxCredentialJsonLength} characters of JSON.")
            .OverridePropertyName("credential");
        RuleFor(x => x.Name).Must(name => !string.IsNullOrWhiteSpace(name)).WithMessage("name is required: how you will recognise this passkey.")
            .MaximumLength(PasskeyRules.MaxNameLength).WithMessage($"name must be at most {PasskeyRules.MaxNameLength} characters.")
            .Must(PasskeyRules.IsPrintable).WithMessage("name must not contain control characters.");
    }
}
