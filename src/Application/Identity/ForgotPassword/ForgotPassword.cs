using FluentValidation;
using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Identity.ResetPassword;
using MediVault.Domain.Identity;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Identity.ForgotPassword;

/// <summary>
/// "Forgot password?": emails a single-use reset link valid for 30 minutes to the account with this email, if there is
/// one. The caller learns nothing either way: the answer is the same, and the email is sent after the answer.
/// </summary>
public sealed record ForgotPassword(string? Email) : ICommand;

public sealed class ForgotPasswordHandler(
    IAccountService accounts, IAppDbContext db, IEmailOutbox outbox, IAccountLinks links, TimeProvider clock)
    : ICommandHandler<ForgotPassword>
{
    /// <summary>At most this many links per account in <see cref="PasswordResetToken.Lifetime"/>: nobody can flood an inbox.</summary>
    public const int MaxLinksPerLifetime = 3;

    public async ValueTask<Unit> Handle(ForgotPassword command, CancellationToken cancellationToken)
    {
        var account = await accounts.FindByEmailAsync(command.Email!.Trim(), cancellationToken);
        if (account is null)
            return Unit.Value;

        var now = clock.GetUtcNow().UtcDateTime;
        var since = now - PasswordResetToken.Lifetime;
        if (await db.PasswordResetTokens.CountAsync(t => t.UserId == account.Id && t.CreatedAt > since, cancellationToken) >= MaxLinksPerLifetime)
            return Unit.Value;

        var token = ResetLinkToken.Create();
        db.PasswordResetTokens.Add(PasswordResetToken.Issue(account.Id, ResetLinkToken.Hash(token), now));
        await db.SaveChangesAsync(cancellationToken);
        outbox.Enqueue(ResetEmail(account, links.PasswordResetUrl(token)));
        return Unit.Value;
    }

    private static EmailMessage ResetEmail(UserDto account, string url) => new(
        account.Email, account.FullName, "Reset your MediVault password",
        $"""
        Hello {account.FullName},

        Someone (we hope you) asked to reset the password of your MediVault account.
        To choose a new password, open this link within {(int)PasswordResetToken.Lifetime.TotalMinutes} minutes:

        {url}

        The link works once. Resetting your password signs you out everywhere.
        If you did not ask for this, ignore this email: your password stays as it is.

        MediVault
        """);
}

internal sealed class ForgotPasswordValidator : AbstractValidator<ForgotPassword>
{
    public ForgotPasswordValidator()
    {
        RuleFor(x => x.Email).NotEmpty().WithMessage("email is required.")
            .MaximumLength(256).WithMessage("email must be at most 256 characters.")
            .Must(e => e is null || (e.Contains('@', StringComparison.Ordinal) && !e.Contains('\0', StringComparison.Ordinal)))
            .WithMessage("email must be an email address.");
    }
}
