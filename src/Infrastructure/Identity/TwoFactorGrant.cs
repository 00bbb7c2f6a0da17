namespace MediVault.Infrastructure.Identity;

/// <summary>
/// The token endpoint's grant for a sign-in's second step (first-party client only): <c>challenge</c> from the
/// password step and <c>code</c> (authenticator or recovery code). <c>POST /api/auth/login/two-factor</c> sends it.
/// </summary>
public static class TwoFactorGrant
{
    public const string Type = "urn:medivault:params:oauth:grant-type:two-factor";
    public const string ChallengeParameter = "challenge";
    public const string CodeParameter = "code";
}
