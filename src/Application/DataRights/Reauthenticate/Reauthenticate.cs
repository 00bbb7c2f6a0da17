using FluentValidation;
using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Identity;

namespace MediVault.Application.DataRights.Reauthenticate;

/// <summary>Checks the signed-in user's password again and issues a short-lived proof for the vault export.</summary>
public sealed record Reauthenticate(string? Password) : ICommand<ReauthenticationProof>;

public sealed class ReauthenticateHandler(ICurrentUser currentUser, IAccountService accounts, IRecentAuthentication recent)
    : ICommandHandler<Reauthenticate, ReauthenticationProof>
{
    public async ValueTask<ReauthenticationProof> Handle(Reauthenticate command, CancellationToken cancellationToken)
    {
        var userId = currentUser.RequireUserId();
        await accounts.EnsurePasswordAsync(userId, command.Password!, cancellationToken);
        return recent.Issue(userId);
    }
}

internal sealed class ReauthenticateValidator : AbstractValidator<Reauthenticate>
{
    public ReauthenticateValidator() =>
        RuleFor(x => x.Password).NotEmpty().WithMessage("password is required.")
            .MaximumLength(Identity.Register.RegisterValidator.MaxPasswordLength).WithMessage("password is not correct.");
}
