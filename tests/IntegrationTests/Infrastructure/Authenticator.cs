using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using OtpNet;

namespace MediVault.IntegrationTests.Infrastructure;

/// <summary>
/// The tests' authenticator app (Otp.NET, RFC 6238: 6 digits, 30-second steps, HMAC-SHA1), and the one way every test
/// sets up two-factor sign-in and signs in with it. Doctors must have two-factor on, so every helper that makes or signs
/// in a doctor goes through here.
/// </summary>
public static class Authenticator
{
    private static readonly ConcurrentDictionary<string, HashSet<long>> UsedSteps = new();

    /// <summary>
    /// A code for <paramref name="key"/> that this test run has not used yet. The server refuses a code used before
    /// (RFC 6238 §5.2) and accepts the steps next to the current one, so a second sign-in within 30 seconds gets the
    /// next step's code, as a person waiting for the next code would.
    /// </summary>
    public static string Code(string key)
    {
        var totp = new Totp(Base32Encoding.ToBytes(Normalize(key)));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;
        var used = UsedSteps.GetOrAdd(Normalize(key), _ => []);
        lock (used)
        {
            foreach (var step in new[] { now, now + 1, now + 2, now - 1 })
            {
                if (used.Add(step))
                    return totp.ComputeTotp(DateTimeOffset.FromUnixTimeSeconds(step * 30).UtcDateTime);
            }
        }
        throw new InvalidOperationException("This key signed in more than four times in 30 seconds; the server would refuse a reused code.");
    }

    /// <summary>A code the key gives now, whether or not it was used (to test that a reused code is refused).</summary>
    public static string CurrentCode(string key) => new Totp(Base32Encoding.ToBytes(Normalize(key))).ComputeTotp(DateTime.UtcNow);

    private static string Normalize(string key) => key.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();

    /// <summary>Sets up two-factor sign-in for the client's account as a person would; returns the key and the recovery codes.</summary>
    public static async Task<(string Key, string[] RecoveryCodes)> SetUpAsync(HttpClient client)
    {
        var setup = await (await client.PostAsync("/api/auth/two-factor/setup", null)).ReadAs<SetupAnswer>();
        var confirm = await client.PostAsJsonAsync("/api/auth/two-factor/confirm", new { code = Code(setup.SharedKey) });
        var codes = await confirm.ReadAs<RecoveryCodesAnswer>();
        return (setup.SharedKey, codes.Codes);
    }

    /// <summary>
    /// Signs in through <c>/api/auth/login</c>, and when the account has two-factor on, through the second step with a
    /// fresh code. Answers the last response (the login answer, or the failure).
    /// </summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password, string? key)
    {
        var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password });
        if (response.StatusCode != HttpStatusCode.OK)
            return response;
        var text = await response.Content.ReadAsStringAsync();
        var body = System.Text.Json.JsonSerializer.Deserialize<ChallengeAnswer>(text, Api.Json);
        if (body is not { TwoFactorRequired: true })
        {
            // The login answer, readable again by the caller.
            response.Content = new StringContent(text, System.Text.Encoding.UTF8, "application/json");
            return response;
        }
        if (key is null)
            throw new InvalidOperationException($"{email} has two-factor sign-in on; pass its authenticator key.");
        return await client.PostAsJsonAsync("/api/auth/login/two-factor", new { challenge = body.Challenge, code = Code(key) });
    }

    public sealed record SetupAnswer(string SharedKey, string AuthenticatorUri, string QrCodePng);

    public sealed record RecoveryCodesAnswer(string[] Codes);

    public sealed record ChallengeAnswer(bool TwoFactorRequired, string Challenge, int ExpiresIn);
}
