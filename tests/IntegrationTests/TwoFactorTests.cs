using System.Net;
using System.Net.Http.Json;
using MediVault.Infrastructure.Persistence;
using MediVault.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.IntegrationTests;

/// <summary>
/// Two-factor sign-in (issue 15): TOTP set up through Identity's authenticator support, the login's second step,
/// recovery codes (hashed, single use), lockout on wrong codes, and doctors who can do nothing before setting it up.
/// </summary>
public sealed class TwoFactorTests(MediVaultFactory factory) : IClassFixture<MediVaultFactory>
{
    private readonly Api api = new(factory);

    private static async Task<Authenticator.ChallengeAnswer> PasswordStep(HttpClient client, Session who)
    {
        var response = await client.PostAsJsonAsync("/api/auth/login", new { email = who.Email, password = who.Password });
        var challenge = await response.ReadAs<Authenticator.ChallengeAnswer>();
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        return challenge;
    }

    private static Task<HttpResponseMessage> CodeStep(HttpClient client, string challenge, string code) =>
        client.PostAsJsonAsync("/api/auth/login/two-factor", new { challenge, code });

    [Fact]
    public async Task Setup_GivesAnOtpauthUriAndAQrCode_ThenTheLoginAsksForACode_AndTheCodeCompletesIt()
    {
        var patient = await api.RegisterPatient();
        (await (await patient.Client.GetAsync("/api/auth/two-factor")).ReadAs<StatusAnswer>()).Should().Be(new StatusAnswer(false, false, 0));

        var setupResponse = await patient.Client.PostAsync("/api/auth/two-factor/setup", null);
        setupResponse.Headers.CacheControl!.NoStore.Should().BeTrue();
        var setup = await setupResponse.ReadAs<Authenticator.SetupAnswer>();
        setup.AuthenticatorUri.Should().StartWith("otpauth://totp/MediVault:").And.Contain("secret=").And.Contain("issuer=MediVault");
        setup.QrCodePng.Should().StartWith("data:image/png;base64,");
        Convert.FromBase64String(setup.QrCodePng["data:image/png;base64,".Length..])[..4].Should().Equal(0x89, (byte)'P', (byte)'N', (byte)'G');
        var confirm = await patient.Client.PostAsJsonAsync("/api/auth/two-factor/confirm", new { code = Authenticator.Code(setup.SharedKey) });
        var recovery = await confirm.ReadAs<Authenticator.RecoveryCodesAnswer>();
        recovery.Codes.Should().HaveCount(10).And.OnlyHaveUniqueItems();
        (await (await patient.Client.GetAsync("/api/auth/two-factor")).ReadAs<StatusAnswer>()).Should().Be(new StatusAnswer(true, false, 10));

        using var anonymous = api.Anonymous();
        var step = await PasswordStep(anonymous, patient);
        step.TwoFactorRequired.Should().BeTrue();
        step.ExpiresIn.Should().Be(300);
        var login = await (await CodeStep(anonymous, step.Challenge, Authenticator.Code(setup.SharedKey))).ReadAs<LoginAnswer>();
        login.User.Id.Should().Be(patient.Id);
        login.User.TwoFactorEnabled.Should().BeTrue();
    }

    [Fact]
    public async Task CodeStep_WrongCode_Returns401_AndAReusedCodeIsRefused()
    {
        var patient = await api.RegisterPatient();
        var (key, _) = await Authenticator.SetUpAsync(patient.Client);
        using var anonymous = api.Anonymous();

        var step = await PasswordStep(anonymous, patient);
        var wrong = await CodeStep(anonymous, step.Challenge, "000000" == Authenticator.CurrentCode(key) ? "111111" : "000000");
        (await wrong.ShouldBeProblem(HttpStatusCode.Unauthorized)).Detail.Should().Contain("code is not correct");

        var code = Authenticator.Code(key);
        (await CodeStep(anonymous, step.Challenge, code)).StatusCode.Should().Be(HttpStatusCode.OK, "a wrong code does not spend the challenge");
        var again = await PasswordStep(anonymous, patient);
        await (await CodeStep(anonymous, again.Challenge, code)).ShouldBeProblem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task CodeStep_SpentOrUnknownChallenge_Returns401()
    {
        var patient = await api.RegisterPatient();
        var (key, _) = await Authenticator.SetUpAsync(patient.Client);
        using var anonymous = api.Anonymous();
        var step = await PasswordStep(anonymous, patient);
        (await CodeStep(anonymous, step.Challenge, Authenticator.Code(key))).StatusCode.Should().Be(HttpStatusCode.OK);

        var spent = await CodeStep(anonymous, step.Challenge, Authenticator.Code(key));
        (await spent.ShouldBeProblem(HttpStatusCode.Unauthorized)).Detail.Should().Contain("expired or was already used");
        await (await CodeStep(anonymous, "made-up-challenge", Authenticator.Code(key))).ShouldBeProblem(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("""{"code":"123456"}""", "challenge")]
    [InlineData("""{"challenge":"abc"}""", "code")]
    [InlineData("""{"challenge":"abc","code":""}""", "code")]
    public async Task CodeStep_MissingField_Returns400NamingIt(string body, string field)
    {
        using var anonymous = api.Anonymous();
        var response = await anonymous.PostAsync("/api/auth/login/two-factor", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        await response.ShouldBeValidationProblemFor(field);
    }

    [Fact]
    public async Task RecoveryCode_SignsInOnce_AndIsRefusedTheSecondTime()
    {
        var patient = await api.RegisterPatient();
        var (_, codes) = await Authenticator.SetUpAsync(patient.Client);
        using var anonymous = api.Anonymous();

        var first = await PasswordStep(anonymous, patient);
        (await CodeStep(anonymous, first.Challenge, codes[0].ToLowerInvariant())).StatusCode.Should().Be(HttpStatusCode.OK, "typed in lower case still counts");
        var second = await PasswordStep(anonymous, patient);
        await (await CodeStep(anonymous, second.Challenge, codes[0])).ShouldBeProblem(HttpStatusCode.Unauthorized);

        (await (await patient.Client.GetAsync("/api/auth/two-factor")).ReadAs<StatusAnswer>()).RecoveryCodesLeft.Should().Be(9);
    }

    [Fact]
    public async Task RecoveryCodes_AreStoredOnlyAsHashes()
    {
        var patient = await api.RegisterPatient();
        var (_, codes) = await Authenticator.SetUpAsync(patient.Client);

        var database = await DatabaseBytes.AsTextAsync(factory.DataDirectory);
        database.Should().Contain(patient.Email, "the reader sees the rows");
        foreach (var code in codes)
            database.Should().NotContain(code);
    }

    [Fact]
    public async Task AuthenticatorKey_IsStoredSealed_AndStillSignsIn()
    {
        var patient = await api.RegisterPatient();
        var (key, _) = await Authenticator.SetUpAsync(patient.Client);

        string stored;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            stored = (await scope.ServiceProvider.GetRequiredService<AppDbContext>().UserTokens.AsNoTracking()
                .SingleAsync(t => t.UserId == patient.Id && t.Name == "AuthenticatorKey")).Value!;
        }

        stored.Should().StartWith("sealed1:", "a copy of the database alone must not make the account's codes");
        stored.ToUpperInvariant().Should().NotContain(key.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant());
        (await api.LoginAs(patient.Email, patient.Password, key)).Id.Should().Be(patient.Id);
    }

    [Fact]
    public async Task FiveWrongCodes_LockTheAccount_AndEndItsSessions()
    {
        var patient = await api.RegisterPatient();
        var (key, _) = await Authenticator.SetUpAsync(patient.Client);
        using var anonymous = api.Anonymous();
        var step = await PasswordStep(anonymous, patient);
        var current = Authenticator.CurrentCode(key);
        var wrong = current == "123456" ? "654321" : "123456";

        HttpResponseMessage last = null!;
        for (var i = 0; i < 5; i++)
            last = await CodeStep(anonymous, step.Challenge, wrong);

        (await last.ShouldBeProblem(HttpStatusCode.Unauthorized)).Detail.Should().Contain("locked");
        last.Headers.RetryAfter.Should().NotBeNull();
        (await patient.Client.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "a lock ends every session");
        var afterLock = await anonymous.PostAsJsonAsync("/api/auth/login", new { email = patient.Email, password = patient.Password });
        (await afterLock.ShouldBeProblem(HttpStatusCode.Unauthorized)).Detail.Should().Contain("locked");
    }

    [Fact]
    public async Task Confirm_WrongCode_Returns400NamingCode_AndTwoFactorStaysOff()
    {
        var patient = await api.RegisterPatient();
        var setup = await (await patient.Client.PostAsync("/api/auth/two-factor/setup", null)).ReadAs<Authenticator.SetupAnswer>();
        var wrong = Authenticator.CurrentCode(setup.SharedKey) == "000000" ? "111111" : "000000";

        await (await patient.Client.PostAsJsonAsync("/api/auth/two-factor/confirm", new { code = wrong })).ShouldBeValidationProblemFor("code");
        await (await patient.Client.PostAsJsonAsync("/api/auth/two-factor/confirm", new { code = "12ab!?" })).ShouldBeValidationProblemFor("code");
        await (await patient.Client.PostAsJsonAsync("/api/auth/two-factor/confirm", new { })).ShouldBeValidationProblemFor("code");

        (await (await patient.Client.GetAsync("/api/auth/two-factor")).ReadAs<StatusAnswer>()).Enabled.Should().BeFalse();
    }

    [Fact]
    public async Task Confirm_WithoutSetup_AndSetupWhenOn_Return409()
    {
        var patient = await api.RegisterPatient();
        await (await patient.Client.PostAsJsonAsync("/api/auth/two-factor/confirm", new { code = "123456" })).ShouldBeProblem(HttpStatusCode.Conflict);
        await Authenticator.SetUpAsync(patient.Client);
        await (await patient.Client.PostAsync("/api/auth/two-factor/setup", null)).ShouldBeProblem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Disable_WithACode_TurnsItOff_AndTheLoginAnswersTokensAgain()
    {
        var patient = await api.RegisterPatient();
        var (key, _) = await Authenticator.SetUpAsync(patient.Client);
        await (await patient.Client.PostAsJsonAsync("/api/auth/two-factor/disable", new { code = "000000" == Authenticator.CurrentCode(key) ? "111111" : "000000" }))
            .ShouldBeValidationProblemFor("code");

        (await patient.Client.PostAsJsonAsync("/api/auth/two-factor/disable", new { code = Authenticator.Code(key) })).StatusCode.Should().Be(HttpStatusCode.NoContent);

        (await api.LoginAs(patient.Email, patient.Password)).Id.Should().Be(patient.Id);
        await (await patient.Client.PostAsJsonAsync("/api/auth/two-factor/disable", new { code = "123456" })).ShouldBeProblem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task RegenerateRecoveryCodes_ReplacesThem_AndTheOldOnesStopWorking()
    {
        var patient = await api.RegisterPatient();
        var (key, old) = await Authenticator.SetUpAsync(patient.Client);

        var fresh = await (await patient.Client.PostAsJsonAsync("/api/auth/two-factor/recovery-codes", new { code = Authenticator.Code(key) }))
            .ReadAs<Authenticator.RecoveryCodesAnswer>();

        fresh.Codes.Should().HaveCount(10).And.NotIntersectWith(old);
        using var anonymous = api.Anonymous();
        var step = await PasswordStep(anonymous, patient);
        await (await CodeStep(anonymous, step.Challenge, old[0])).ShouldBeProblem(HttpStatusCode.Unauthorized);
        (await CodeStep(anonymous, step.Challenge, fresh.Codes[0])).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("GET", "/api/auth/two-factor")]
    [InlineData("POST", "/api/auth/two-factor/setup")]
    [InlineData("POST", "/api/auth/two-factor/confirm")]
    [InlineData("POST", "/api/auth/two-factor/disable")]
    [InlineData("POST", "/api/auth/two-factor/recovery-codes")]
    public async Task TwoFactorEndpoints_Anonymous_Return401(string method, string path)
    {
        using var anonymous = api.Anonymous();
        var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = method == "POST" ? JsonContent.Create(new { code = "123456" }) : null,
        });
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AnotherUsersSetup_IsNeverReachable_EachCallActsOnTheCallersOwnAccount()
    {
        var alice = await api.RegisterPatient();
        var bob = await api.RegisterPatient();
        var (aliceKey, _) = await Authenticator.SetUpAsync(alice.Client);

        // Bob's calls name no account: with Alice's code they act on Bob's, and learn nothing of Alice's.
        (await (await bob.Client.GetAsync("/api/auth/two-factor")).ReadAs<StatusAnswer>()).Should().Be(new StatusAnswer(false, false, 0));
        await (await bob.Client.PostAsJsonAsync("/api/auth/two-factor/disable", new { code = Authenticator.Code(aliceKey) })).ShouldBeProblem(HttpStatusCode.Conflict);
        var bobSetup = await (await bob.Client.PostAsync("/api/auth/two-factor/setup", null)).ReadAs<Authenticator.SetupAnswer>();
        bobSetup.SharedKey.Should().NotBe(aliceKey);
        (await (await alice.Client.GetAsync("/api/auth/two-factor")).ReadAs<StatusAnswer>()).Enabled.Should().BeTrue();
    }

    [Fact]
    public async Task Doctor_FirstSignIn_CanOnlySetUpTwoFactor_ThenEverythingWorks_AndTheNextSignInAsksForACode()
    {
        using var anonymous = api.Anonymous();
        var email = Api.NewEmail("doctor");
        (await anonymous.PostAsJsonAsync("/api/auth/register", new
        {
            email,
            password = Api.StrongPassword,
            fullName = "Dr. New",
            accountType = "doctor",
            licenseNumber = "LIC-123456",
            specialty = "Cardiology",
        })).StatusCode.Should().Be(HttpStatusCode.Created);
        var doctor = await api.LoginAs(email, Api.StrongPassword);
        doctor.User.TwoFactorEnabled.Should().BeFalse();

        var blocked = await doctor.Client.GetAsync("/api/doctor/patients");
        (await blocked.ShouldBeProblem(HttpStatusCode.Forbidden)).Title.Should().Be("Two-factor sign-in must be set up first");
        (await doctor.Client.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await (await doctor.Client.GetAsync("/api/auth/two-factor")).ReadAs<StatusAnswer>()).Required.Should().BeTrue();

        var (key, _) = await Authenticator.SetUpAsync(doctor.Client);

        (await doctor.Client.GetAsync("/api/doctor/patients")).StatusCode.Should().Be(HttpStatusCode.OK, "the session that set it up goes on");
        var step = await PasswordStep(anonymous, doctor);
        step.TwoFactorRequired.Should().BeTrue();
        (await api.LoginAs(email, Api.StrongPassword, key)).User.TwoFactorEnabled.Should().BeTrue();
    }

    [Fact]
    public async Task Doctor_WhoTurnsTwoFactorOff_IsBlockedAgainUntilANewSetup()
    {
        var doctor = await api.RegisterDoctor();
        (await doctor.Client.PostAsJsonAsync("/api/auth/two-factor/disable", new { code = Authenticator.Code(doctor.AuthenticatorKey!) }))
            .StatusCode.Should().Be(HttpStatusCode.NoContent);

        await (await doctor.Client.GetAsync("/api/doctor/patients")).ShouldBeProblem(HttpStatusCode.Forbidden);
        await Authenticator.SetUpAsync(doctor.Client);
        (await doctor.Client.GetAsync("/api/doctor/patients")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AuthenticatorKeyAndCodes_NeverAppearInTheLogs()
    {
        var patient = await api.RegisterPatient();
        var (key, codes) = await Authenticator.SetUpAsync(patient.Client);
        using var anonymous = api.Anonymous();
        var step = await PasswordStep(anonymous, patient);
        await CodeStep(anonymous, step.Challenge, codes[1]);

        var compactKey = key.Replace(" ", "", StringComparison.Ordinal);
        factory.Logs.Lines.Should().NotContain(line =>
            line.Contains(compactKey, StringComparison.OrdinalIgnoreCase) || line.Contains(codes[1], StringComparison.Ordinal)
            || line.Contains(step.Challenge, StringComparison.Ordinal));
    }

    private sealed record StatusAnswer(bool Enabled, bool Required, int RecoveryCodesLeft);
}
