using FluentValidation;
using Mediator;
using MediVault.Application.Common.Abstractions;

namespace MediVault.Application.Identity.TwoFactor.ConfirmTwoFactorSetup;

/// <summary>Finishes enrolment with a code from the authenticator app; answers the 10 recovery codes, shown once.</summary>
public sealed record ConfirmTwoFactorSetup(string? Code) : ICommand<RecoveryCodes>;

public sealed class ConfirmTwoFactorSetupHandler(ICurrentUser currentUser, ITwoFactorAccounts twoFactor) : ICommandHandler<ConfirmTwoFactorSetup, RecoveryCodes>
{
    public async ValueTask<RecoveryCodes> Handle(ConfirmTwoFactorSetup command, CancellationToken cancellationToken) =>
        new RecoveryCodes(await twoFactor.ConfirmSetupAsync(currentUser.RequireUserId(), command.Code!.Trim(), cancellationToken));
}

internal sealed class ConfirmTwoFactorSetupValidator : AbstractValidator<ConfirmTwoFactorSetup>
{
    public ConfirmTwoFactorSetupValidator() => RuleFor(x => x.Code).TwoFactorCode();
}
