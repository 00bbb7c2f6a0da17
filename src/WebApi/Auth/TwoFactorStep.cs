namespace MediVault.WebApi.Auth;

/// <summary>
/// A password sign-in that needs its second step: the token endpoint leaves it in HttpContext.Items and
/// <see cref="AuthApiAdapter"/> answers <c>{ "twoFactorRequired": true, "challenge", "expiresIn" }</c>.
/// </summary>
internal sealed record TwoFactorStep(string Challenge, TimeSpan Lifetime)
{
    public const string ItemKey = "MediVault.TwoFactorStep";
    public const string Required = "Two-factor sign-in is on for this account: send the code with the challenge to /api/auth/login/two-factor.";
    public const string ChallengeExpired = "This sign-in step has expired or was already used. Sign in again with your password.";
    public const string WrongCode = "The code is not correct. Use the current 6-digit code from your authenticator app, or a recovery code.";
}

/// <summary>The answer to a right password when two-factor sign-in is on: no tokens yet.</summary>
/// <param name="TwoFactorRequired">Always true.</param>
/// <param name="Challenge">Opaque; send it back with the code to <c>POST /api/auth/login/two-factor</c>.</param>
/// <param name="ExpiresIn">Seconds the challenge stays usable.</param>
public sealed record TwoFactorChallengeResponse(bool TwoFactorRequired, string Challenge, int ExpiresIn);

/// <summary>Body of <c>POST /api/auth/login/two-factor</c>.</summary>
public sealed record TwoFactorLoginRequest(string Challenge, string Code);
