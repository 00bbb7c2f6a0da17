using Mediator;

namespace MediVault.Application.Identity.Passkeys.BeginPasskeySignIn;

/// <summary>Options for the browser to sign in with a passkey of this site; anyone may ask (no account is named).</summary>
public sealed record BeginPasskeySignIn : ICommand<PasskeyCeremony>;

public sealed class BeginPasskeySignInHandler(IPasskeys passkeys) : ICommandHandler<BeginPasskeySignIn, PasskeyCeremony>
{
    public async ValueTask<PasskeyCeremony> Handle(BeginPasskeySignIn command, CancellationToken cancellationToken) =>
        await passkeys.BeginSignInAsync(cancellationToken);
}
