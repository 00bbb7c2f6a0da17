using FluentValidation;
using Mediator;
using MediVault.Application.Common.Abstractions;

namespace MediVault.Application.Identity.Passkeys.RemovePasskey;

/// <summary>
/// Forgets one of the signed-in person's passkeys: it signs nobody in any more, and the sessions it signed in end, except
/// <c>CurrentSessionId</c> (the caller's own). Another person's is not found.
/// </summary>
public sealed record RemovePasskey(string? Id, string? CurrentSessionId = null) : ICommand;

public sealed class RemovePasskeyHandler(ICurrentUser currentUser, IPasskeys passkeys) : ICommandHandler<RemovePasskey>
{
    public async ValueTask<Unit> Handle(RemovePasskey command, CancellationToken cancellationToken)
    {
        await passkeys.RemoveAsync(currentUser.RequireUserId(), command.Id!, command.CurrentSessionId, cancellationToken);
        return Unit.Value;
    }
}

internal sealed class RemovePasskeyValidator : AbstractValidator<RemovePasskey>
{
    public RemovePasskeyValidator() => RuleFor(x => x.Id).PasskeyId();
}
