namespace MediVault.Infrastructure.Identity;

/// <summary>
/// The token endpoint's grant for a sign-in's second step (first-party client only): the challenge from the password
/// step as <c>assertion</c> and <c>code</c> (authenticator or recovery code). <c>POST /api/auth/login/two-factor</c>
/// sends it. Both travel in parameters OpenIddict redacts when it logs a request (as it does <c>password</c>), so
/// neither reaches a log.
/// </summary>
public static class TwoFactorGrant
{
    public const string Type = "urn:medivault:params:oauth:grant-type:two-factor";
    public const string ChallengeParameter = OpenIddict.Abstractions.OpenIddictConstants.Parameters.Assertion;
    public const string CodeParameter = "code";
}
