using FluentValidation;
using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Exceptions;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Identity.ResetPassword;

/// <summary>
/// Sets a new password with a reset link's token. The link is spent (and every other open link of the account voided),
/// the password rules apply as at registration, and every session of the account ends.
/// </summary>
public sealed record ResetPassword(string? Token, string? NewPassword) : ICommand;

public sealed class ResetPasswordHandler(IAccountService accounts, IAppDbContext db, TimeProvider clock) : ICommandHandler<ResetPassword>
{
    public const string InvalidLink = "This reset link is invalid, has expired or has already been used. Ask for a new one.";

    public async ValueTask<Unit> Handle(ResetPassword command, CancellationToken cancellationToken)
    {
        if (!ResetLinkToken.IsWellFormed(command.Token))
            throw new ValidationFailedException("token", InvalidLink);
        var hash = ResetLinkToken.Hash(command.Token!);
        var now = clock.GetUtcNow().UtcDateTime;
        var link = await db.PasswordResetTokens.AsNoTracking().SingleOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        if (link is null || !link.IsUsableAt(now))
            throw new ValidationFailedException("token", InvalidLink);

        // The password rules first: a rejected password leaves the link usable for a better one.
        await accounts.EnsureAcceptablePasswordAsync(link.UserId, command.NewPassword!, "newPassword", cancellationToken);

        // Spend the link in one statement, so two resets racing with the same link cannot both pass.
        var spent = await db.PasswordResetTokens
            .Where(t => t.Id == link.Id && t.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), cancellationToken);
        if (spent != 1)
            throw new ValidationFailedException("token", InvalidLink);
        await db.PasswordResetTokens
            .Where(t => t.UserId == link.UserId && t.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), cancellationToken);

        await accounts.ResetPasswordAsync(link.UserId, command.NewPassword!, cancellationToken);
        return Unit.Value;
    }
}

internal sealed class ResetPasswordValidator : AbstractValidator<ResetPassword>
{
    public ResetPasswordValidator()
    {
        RuleFor(x => x.Token).NotEmpty().WithMessage("token is required.");
        RuleFor(x => x.NewPassword).NotEmpty().WithMessage("newPassword is required.")
            .MinimumLength(Register.RegisterValidator.MinPasswordLength).WithMessage("newPassword must be at least 8 characters.")
            .MaximumLength(Register.RegisterValidator.MaxPasswordLength).WithMessage("newPassword must be at most 128 characters.");
    }
}
