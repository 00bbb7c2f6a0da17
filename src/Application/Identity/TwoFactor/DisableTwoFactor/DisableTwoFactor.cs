using FluentValidation;
using Mediator;
using MediVault.Application.Common.Abstractions;

namespace MediVault.Application.Identity.TwoFactor.DisableTwoFactor;

/// <summary>
/// Turns two-factor sign-in off with a current code (or a recovery code). A doctor's account then asks for a new setup
/// before anything else works: this is how a doctor moves to a new phone.
/// </summary>
public sealed record DisableTwoFactor(string? Code) : ICommand;

public sealed class DisableTwoFactorHandler(ICurrentUser currentUser, ITwoFactorAccounts twoFactor) : ICommandHandler<DisableTwoFactor>
{
    public async ValueTask<Unit> Handle(DisableTwoFactor command, CancellationToken cancellationToken)
    {
        await twoFactor.DisableAsync(currentUser.RequireUserId(), command.Code!.Trim(), cancellationToken);
        return Unit.Value;
    }
}

internal sealed class DisableTwoFactorValidator : AbstractValidator<DisableTwoFactor>
{
    public DisableTwoFactorValidator() => RuleFor(x => x.Code).TwoFactorCode();
}
