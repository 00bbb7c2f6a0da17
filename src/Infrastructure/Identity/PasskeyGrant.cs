namespace MediVault.Infrastructure.Identity;

/// <summary>
/// The token endpoint's grant for a passkey sign-in (first-party client only): the browser's answer to
/// <c>navigator.credentials.get()</c> as <c>assertion</c> (what WebAuthn calls it) and the ceremony id as <c>code</c>.
/// <c>POST /api/auth/passkey</c> sends it. Both are parameters OpenIddict redacts when it logs a request, so neither
/// reaches a log.
/// </summary>
public static class PasskeyGrant
{
    public const string Type = "urn:medivault:params:oauth:grant-type:passkey";
    public const string CredentialParameter = OpenIddict.Abstractions.OpenIddictConstants.Parameters.Assertion;
    public const string CeremonyParameter = "code";

    public const string Failed = "The passkey could not be verified. Start again: ask for new options and use a passkey saved for this site.";
    public const string Expired = "This passkey sign-in has expired or was already used. Start again.";
}
