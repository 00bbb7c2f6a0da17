using Mediator;
using MediVault.Application.Common.Abstractions;

namespace MediVault.Application.Identity.TwoFactor.BeginTwoFactorSetup;

/// <summary>Starts enrolment: a new authenticator key, its otpauth URI and QR code. Nothing changes at sign-in yet.</summary>
public sealed record BeginTwoFactorSetup : ICommand<AuthenticatorSetup>;

public sealed class BeginTwoFactorSetupHandler(ICurrentUser currentUser, ITwoFactorAccounts twoFactor)
    : ICommandHandler<BeginTwoFactorSetup, AuthenticatorSetup>
{
    public async ValueTask<AuthenticatorSetup> Handle(BeginTwoFactorSetup command, CancellationToken cancellationToken) =>
        await twoFactor.BeginSetupAsync(currentUser.RequireUserId(), cancellationToken);
}
