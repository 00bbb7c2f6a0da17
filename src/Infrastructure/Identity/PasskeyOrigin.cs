using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;

namespace MediVault.Infrastructure.Identity;

/// <summary>
/// Where passkeys belong: the relying party id is <c>MediVault:PublicBaseUrl</c>'s host and the only accepted origin is
/// its scheme, host and port; without PublicBaseUrl (Development, tests) the request's own host and origin, as the
/// emergency links do. A browser answer from any other origin, or from a cross-origin frame, is refused.
/// </summary>
public static class PasskeyOrigin
{
    public static void Configure(IdentityPasskeyOptions passkeys, string? publicBaseUrl)
    {
        var configured = publicBaseUrl is { Length: > 0 } && Uri.TryCreate(publicBaseUrl, UriKind.Absolute, out var uri) ? uri : null;
        passkeys.ServerDomain = configured?.Host;
        passkeys.UserVerificationRequirement = "required"; // a PIN or biometric: a passkey is both factors (§101)
        passkeys.ResidentKeyRequirement = "required"; // discoverable, so sign-in needs no email first
        passkeys.AuthenticatorTimeout = PasskeyCeremonies.Lifetime;
        passkeys.ValidateOrigin = context => ValueTask.FromResult(
            !context.CrossOrigin && string.Equals(context.Origin, Expected(configured, context.HttpContext), StringComparison.Ordinal));
    }

    /// <summary>The one origin passkey answers may come from.</summary>
    public static string Expected(Uri? configured, HttpContext context) =>
        configured is not null
            ? configured.GetLeftPart(UriPartial.Authority)
            : $"{context.Request.Scheme}://{context.Request.Host.Value}";
}
