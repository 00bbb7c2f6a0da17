using FluentValidation;
using Mediator;
using MediVault.Application.Common.Abstractions;

namespace MediVault.Application.Identity.TwoFactor.RegenerateRecoveryCodes;

/// <summary>Replaces the recovery codes (the old ones stop working); needs a current code.</summary>
public sealed record RegenerateRecoveryCodes(string? Code) : ICommand<RecoveryCodes>;

public sealed class RegenerateRecoveryCodesHandler(ICurrentUser currentUser, ITwoFactorAccounts twoFactor) : ICommandHandler<RegenerateRecoveryCodes, RecoveryCodes>
{
    public async ValueTask<RecoveryCodes> Handle(RegenerateRecoveryCodes command, CancellationToken cancellationToken) =>
        new RecoveryCodes(await twoFactor.RegenerateRecoveryCodesAsync(currentUser.RequireUserId(), command.Code!.Trim(), cancellationToken));
}

internal sealed class RegenerateRecoveryCodesValidator : AbstractValidator<RegenerateRecoveryCodes>
{
    public RegenerateRecoveryCodesValidator() => RuleFor(x => x.Code).TwoFactorCode();
}
