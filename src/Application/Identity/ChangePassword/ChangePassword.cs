using FluentValidation;
using Mediator;
using MediVault.Application.Common.Abstractions;

namespace MediVault.Application.Identity.ChangePassword;

/// <summary>Changes the signed-in user's password; every other session but <c>CurrentSessionId</c> ends.</summary>
public sealed record ChangePassword(string? CurrentPassword, string? NewPassword, string? CurrentSessionId) : ICommand;

public sealed class ChangePasswordHandler(ICurrentUser currentUser, IAccountService accounts) : ICommandHandler<ChangePassword>
{
    public async ValueTask<Unit> Handle(ChangePassword command, CancellationToken cancellationToken)
    {
        await accounts.ChangePasswordAsync(
            currentUser.RequireUserId(), command.CurrentPassword!, command.NewPassword!, command.CurrentSessionId, cancellationToken);
        return Unit.Value;
    }
}

internal sealed class ChangePasswordValidator : AbstractValidator<ChangePassword>
{
    public ChangePasswordValidator()
    {
        RuleFor(x => x.CurrentPassword).NotEmpty().WithMessage("currentPassword is required.");
        RuleFor(x => x.NewPassword).NotEmpty().WithMessage("newPassword is required.")
            .MinimumLength(Register.RegisterValidator.MinPasswordLength).WithMessage("newPassword must be at least 8 characters.")
            .MaximumLength(Register.RegisterValidator.MaxPasswordLength).WithMessage("newPassword must be at most 128 characters.");
    }
}
