using Mediator;
using MediVault.Application.Common.Abstractions;

namespace MediVault.Application.Identity.Passkeys.BeginPasskeyRegistration;

/// <summary>Options for the browser to create a new passkey for the signed-in person.</summary>
public sealed record BeginPasskeyRegistration : ICommand<PasskeyCeremony>;

public sealed class BeginPasskeyRegistrationHandler(ICurrentUser currentUser, IPasskeys passkeys)
    : ICommandHandler<BeginPasskeyRegistration, PasskeyCeremony>
{
    public async ValueTask<PasskeyCeremony> Handle(BeginPasskeyRegistration command, CancellationToken cancellationToken) =>
        await passkeys.BeginRegistrationAsync(currentUser.RequireUserId(), cancellationToken);
}
