using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MediVault.IntegrationTests.Infrastructure;

namespace MediVault.IntegrationTests;

/// <summary>
/// Passkeys (issue 15) over HTTP, with the tests' own software authenticator (<see cref="SoftwarePasskey"/>) against
/// ASP.NET Core Identity's verification: registering, listing and removing, signing in (the same session as a password
/// sign-in, no second step), and every kind of bad answer refused with a problem document.
/// </summary>
public sealed class PasskeyTests(MediVaultFactory factory) : IClassFixture<MediVaultFactory>
{
    private readonly Api api = new(factory);

    private static async Task<SoftwarePasskey.CeremonyAnswer> BeginRegistration(HttpClient client)
    {
        var response = await client.PostAsync("/api/account/passkeys/options", null);
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        return await response.ReadAs<SoftwarePasskey.CeremonyAnswer>();
    }

    private static async Task<SoftwarePasskey.CeremonyAnswer> BeginSignIn(HttpClient client) =>
        await (await client.PostAsync("/api/auth/passkey/options", null)).ReadAs<SoftwarePasskey.CeremonyAnswer>();

    private static Task<HttpResponseMessage> FinishSignIn(HttpClient client, string ceremony, object credential) =>
        client.PostAsJsonAsync("/api/auth/passkey", new { ceremony, credential });

    private static Task<HttpResponseMessage> PostRaw(HttpClient client, string path, string body) =>
        client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

    private static HttpClient WithBearer(HttpClient client, string token)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task Patient_RegistersAPasskey_ListsIt_AndSignsInWithItAlone_GettingTokensAndTheSessionCookie()
    {
        var patient = await api.RegisterPatient("Asha Verma");
        using var passkey = new SoftwarePasskey();

        var ceremony = await BeginRegistration(patient.Client);
        ceremony.ExpiresIn.Should().Be(300);
        ceremony.Options.GetProperty("user").GetProperty("name").GetString().Should().Be(patient.Email);
        ceremony.Options.GetProperty("authenticatorSelection").GetProperty("userVerification").GetString().Should().Be("required");
        ceremony.Options.GetProperty("authenticatorSelection").GetProperty("residentKey").GetString().Should().Be("required");
        var added = await patient.Client.PostAsJsonAsync("/api/account/passkeys",
            new { ceremony = ceremony.Ceremony, credential = passkey.Create(ceremony.Options), name = "  Work laptop " });
        var created = await added.ReadAs<PasskeyAnswer>(HttpStatusCode.Created);
        created.Name.Should().Be("Work laptop");
        created.Id.Should().MatchRegex("^[0-9a-f]{32}$").And.NotContain(passkey.CredentialIdText);
        added.Headers.Location!.ToString().Should().Be($"/api/account/passkeys/{created.Id}");

        var listed = await patient.Client.GetAsync("/api/account/passkeys");
        listed.Headers.CacheControl!.NoStore.Should().BeTrue();
        (await listed.ReadAs<PasskeyAnswer[]>()).Should().ContainSingle().Which.Should().BeEquivalentTo(created, AsStored);
        (await (await patient.Client.GetAsync($"/api/account/passkeys/{created.Id}")).ReadAs<PasskeyAnswer>()).Should().BeEquivalentTo(created, AsStored);

        using var browser = api.Browser();
        var signIn = await passkey.SignInAsync(browser);
        var login = await signIn.ReadAs<LoginAnswer>();
        login.User.Id.Should().Be(patient.Id);
        signIn.Headers.CacheControl!.NoStore.Should().BeTrue();
        signIn.Headers.GetValues("Set-Cookie").Should().Contain(c => c.StartsWith("mv_session=", StringComparison.Ordinal));
        (await (await browser.GetAsync("/api/auth/me")).ReadAs<UserAnswer>()).Id.Should().Be(patient.Id, "the cookie is a session like a password sign-in's");
        using var bearer = WithBearer(api.Anonymous(), login.AccessToken);
        (await (await bearer.GetAsync("/api/auth/me")).ReadAs<UserAnswer>()).Email.Should().Be(patient.Email);

        // The refresh token of a passkey session works as any other.
        using var refresher = api.Anonymous();
        (await (await refresher.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = login.RefreshToken })).ReadAs<LoginAnswer>())
            .User.Id.Should().Be(patient.Id);
    }

    [Fact]
    public async Task Doctor_WithTwoFactorRequired_SignsInWithAPasskey_WithoutTheCodeStep()
    {
        var doctor = await api.RegisterDoctor();
        using var passkey = new SoftwarePasskey();
        await passkey.RegisterAsync(doctor.Client, "Clinic phone");

        using var anonymous = api.Anonymous();
        var login = await (await passkey.SignInAsync(anonymous)).ReadAs<LoginAnswer>();
        login.User.Id.Should().Be(doctor.Id);
        using var bearer = WithBearer(api.Anonymous(), login.AccessToken);
        (await bearer.GetAsync("/api/doctor/patients")).StatusCode.Should().Be(HttpStatusCode.OK, "a passkey with user verification is both factors");
    }

    [Fact]
    public async Task AnonymousCaller_GetsA401_OnEveryAccountPasskeyEndpoint()
    {
        using var anonymous = api.Anonymous();
        var id = new string('a', 32);
        await (await anonymous.PostAsync("/api/account/passkeys/options", null)).ShouldBeProblem(HttpStatusCode.Unauthorized);
        await (await anonymous.PostAsJsonAsync("/api/account/passkeys", new { ceremony = "x", credential = new { }, name = "n" }))
            .ShouldBeProblem(HttpStatusCode.Unauthorized);
        await (await anonymous.GetAsync("/api/account/passkeys")).ShouldBeProblem(HttpStatusCode.Unauthorized);
        await (await anonymous.GetAsync($"/api/account/passkeys/{id}")).ShouldBeProblem(HttpStatusCode.Unauthorized);
        await (await anonymous.DeleteAsync($"/api/account/passkeys/{id}")).ShouldBeProblem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AnotherPersonsPasskey_IsNotFound_ForGetAndDelete_AndKeepsWorkingForItsOwner()
    {
        var owner = await api.RegisterPatient();
        var stranger = await api.RegisterPatient();
        using var passkey = new SoftwarePasskey();
        var id = await passkey.RegisterAsync(owner.Client);

        var get = await (await stranger.Client.GetAsync($"/api/account/passkeys/{id}")).ShouldBeProblem(HttpStatusCode.NotFound);
        var unknown = await (await stranger.Client.GetAsync($"/api/account/passkeys/{new string('0', 32)}")).ShouldBeProblem(HttpStatusCode.NotFound);
        get.Detail.Should().Be(unknown.Detail, "another person's passkey and none at all read the same");
        await (await stranger.Client.DeleteAsync($"/api/account/passkeys/{id}")).ShouldBeProblem(HttpStatusCode.NotFound);
        (await (await stranger.Client.GetAsync("/api/account/passkeys")).ReadAs<PasskeyAnswer[]>()).Should().BeEmpty();

        using var anonymous = api.Anonymous();
        (await (await passkey.SignInAsync(anonymous)).ReadAs<LoginAnswer>()).User.Id.Should().Be(owner.Id);
    }

    [Fact]
    public async Task RemovedPasskey_SignsNobodyIn_AndIsGoneFromTheList()
    {
        var patient = await api.RegisterPatient();
        using var kept = new SoftwarePasskey();
        using var removed = new SoftwarePasskey();
        await kept.RegisterAsync(patient.Client, "Phone");
        var id = await removed.RegisterAsync(patient.Client, "Old key");

        (await patient.Client.DeleteAsync($"/api/account/passkeys/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await (await patient.Client.GetAsync("/api/account/passkeys")).ReadAs<PasskeyAnswer[]>()).Select(p => p.Name).Should().Equal("Phone");
        await (await patient.Client.GetAsync($"/api/account/passkeys/{id}")).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await patient.Client.DeleteAsync($"/api/account/passkeys/{id}")).ShouldBeProblem(HttpStatusCode.NotFound);

        using var anonymous = api.Anonymous();
        (await (await removed.SignInAsync(anonymous)).ShouldBeProblem(HttpStatusCode.Unauthorized)).Detail.Should().Be(PasskeyFailed);
        (await (await kept.SignInAsync(anonymous)).ReadAs<LoginAnswer>()).User.Id.Should().Be(patient.Id);
    }

    [Fact]
    public async Task MalformedPasskeyId_Is400()
    {
        var patient = await api.RegisterPatient();
        await (await patient.Client.GetAsync("/api/account/passkeys/not-an-id")).ShouldBeValidationProblemFor("id");
        await (await patient.Client.DeleteAsync($"/api/account/passkeys/{new string('A', 32)}")).ShouldBeValidationProblemFor("id");
    }

    [Fact]
    public async Task Registration_BadBodies_AreValidationProblems()
    {
        var patient = await api.RegisterPatient();
        using var passkey = new SoftwarePasskey();

        await (await PostRaw(patient.Client, "/api/account/passkeys", "{ not json")).ShouldBeProblem(HttpStatusCode.BadRequest);
        var empty = await (await PostRaw(patient.Client, "/api/account/passkeys", "{}")).ShouldBeProblem(HttpStatusCode.BadRequest);
        empty.Errors.Should().ContainKeys("ceremony", "credential", "name");
        var ceremony = await BeginRegistration(patient.Client);
        await (await patient.Client.PostAsJsonAsync("/api/account/passkeys",
            new { ceremony = ceremony.Ceremony, credential = "a string", name = "Key" })).ShouldBeValidationProblemFor("credential");
        await (await patient.Client.PostAsJsonAsync("/api/account/passkeys",
            new { ceremony = ceremony.Ceremony, credential = passkey.Create(ceremony.Options), name = new string('n', 51) })).ShouldBeValidationProblemFor("name");
        await (await patient.Client.PostAsJsonAsync("/api/account/passkeys",
            new { ceremony = ceremony.Ceremony, credential = passkey.Create(ceremony.Options), name = "Key\u0007" })).ShouldBeValidationProblemFor("name");
        await (await patient.Client.PostAsJsonAsync("/api/account/passkeys",
            new { ceremony = "not-issued-here", credential = passkey.Create(ceremony.Options), name = "Key" })).ShouldBeValidationProblemFor("ceremony");
        (await (await patient.Client.GetAsync("/api/account/passkeys")).ReadAs<PasskeyAnswer[]>()).Should().BeEmpty();
    }

    [Fact]
    public async Task Registration_WrongChallenge_WrongOrigin_OrAnotherPersonsCeremony_IsRefused_AndSpendsTheCeremony()
    {
        var patient = await api.RegisterPatient();
        var other = await api.RegisterPatient();
        using var passkey = new SoftwarePasskey();

        var first = await BeginRegistration(patient.Client);
        var second = await BeginRegistration(patient.Client);
        var wrongChallenge = await patient.Client.PostAsJsonAsync("/api/account/passkeys",
            new { ceremony = first.Ceremony, credential = passkey.Create(first.Options, second.Options.GetProperty("challenge").GetString()), name = "Key" });
        (await wrongChallenge.ShouldBeValidationProblemFor("credential")).Errors!["credential"].Should().ContainSingle();
        var retried = await patient.Client.PostAsJsonAsync("/api/account/passkeys",
            new { ceremony = first.Ceremony, credential = passkey.Create(first.Options), name = "Key" });
        await retried.ShouldBeValidationProblemFor("ceremony"); // spent by the failed answer

        passkey.Origin = "https://evil.example";
        var wrongOrigin = await patient.Client.PostAsJsonAsync("/api/account/passkeys",
            new { ceremony = second.Ceremony, credential = passkey.Create(second.Options), name = "Key" });
        await wrongOrigin.ShouldBeValidationProblemFor("credential");
        passkey.Origin = "http://localhost";

        var mine = await BeginRegistration(patient.Client);
        var stolen = await other.Client.PostAsJsonAsync("/api/account/passkeys",
            new { ceremony = mine.Ceremony, credential = passkey.Create(mine.Options), name = "Key" });
        await stolen.ShouldBeValidationProblemFor("ceremony");
        (await (await patient.Client.PostAsJsonAsync("/api/account/passkeys",
            new { ceremony = mine.Ceremony, credential = passkey.Create(mine.Options), name = "Key" })).ReadAs<PasskeyAnswer>(HttpStatusCode.Created))
            .Name.Should().Be("Key", "another person's attempt does not spend my ceremony");

        (await (await patient.Client.GetAsync("/api/account/passkeys")).ReadAs<PasskeyAnswer[]>()).Should().ContainSingle();
        (await (await other.Client.GetAsync("/api/account/passkeys")).ReadAs<PasskeyAnswer[]>()).Should().BeEmpty();
    }

    [Fact]
    public async Task Registration_TheSameCredentialTwice_Is409()
    {
        var patient = await api.RegisterPatient();
        using var passkey = new SoftwarePasskey();
        await passkey.RegisterAsync(patient.Client);
        var again = await BeginRegistration(patient.Client);
        await (await patient.Client.PostAsJsonAsync("/api/account/passkeys",
            new { ceremony = again.Ceremony, credential = passkey.Create(again.Options), name = "Again" })).ShouldBeProblem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task SignIn_BadBodies_AreValidationProblems()
    {
        using var anonymous = api.Anonymous();
        await (await PostRaw(anonymous, "/api/auth/passkey", "{ not json")).ShouldBeValidationProblemFor("body");
        var empty = await (await PostRaw(anonymous, "/api/auth/passkey", "{}")).ShouldBeProblem(HttpStatusCode.BadRequest);
        empty.Errors.Should().ContainKeys("ceremony", "credential");
        await (await anonymous.PostAsJsonAsync("/api/auth/passkey", new { ceremony = "c", credential = "not an object" })).ShouldBeValidationProblemFor("credential");
    }

    [Fact]
    public async Task SignIn_UnknownCeremony_WrongChallenge_UnknownCredential_WrongOrigin_AndAReplay_Are401()
    {
        var patient = await api.RegisterPatient();
        using var passkey = new SoftwarePasskey();
        await passkey.RegisterAsync(patient.Client);
        using var anonymous = api.Anonymous();

        var ceremony = await BeginSignIn(anonymous);
        (await (await FinishSignIn(anonymous, "never-issued", passkey.Get(ceremony.Options))).ShouldBeProblem(HttpStatusCode.Unauthorized))
            .Detail.Should().Be(PasskeyExpired);

        var other = await BeginSignIn(anonymous);
        var wrongChallenge = passkey.Get(ceremony.Options, other.Options.GetProperty("challenge").GetString());
        (await (await FinishSignIn(anonymous, ceremony.Ceremony, wrongChallenge)).ShouldBeProblem(HttpStatusCode.Unauthorized)).Detail.Should().Be(PasskeyFailed);

        using var unregistered = new SoftwarePasskey();
        var fresh = await BeginSignIn(anonymous);
        (await (await FinishSignIn(anonymous, fresh.Ceremony, unregistered.Get(fresh.Options))).ShouldBeProblem(HttpStatusCode.Unauthorized))
            .Detail.Should().Be(PasskeyFailed);

        passkey.Origin = "https://evil.example";
        var phished = await BeginSignIn(anonymous);
        (await (await FinishSignIn(anonymous, phished.Ceremony, passkey.Get(phished.Options))).ShouldBeProblem(HttpStatusCode.Unauthorized))
            .Detail.Should().Be(PasskeyFailed);
        passkey.Origin = "http://localhost";

        var good = await BeginSignIn(anonymous);
        var assertion = passkey.Get(good.Options);
        (await (await FinishSignIn(anonymous, good.Ceremony, assertion)).ReadAs<LoginAnswer>()).User.Id.Should().Be(patient.Id);
        (await (await FinishSignIn(anonymous, good.Ceremony, assertion)).ShouldBeProblem(HttpStatusCode.Unauthorized))
            .Detail.Should().Be(PasskeyExpired, "an assertion is good once: its ceremony is spent");
        var replayElsewhere = await BeginSignIn(anonymous);
        (await FinishSignIn(anonymous, replayElsewhere.Ceremony, assertion)).StatusCode.Should().Be(HttpStatusCode.Unauthorized,
            "an old assertion signs a challenge that is not this ceremony's");
    }

    [Fact]
    public async Task PasskeySession_EndsOnLogout_AndOnAPasswordChangeElsewhere()
    {
        var patient = await api.RegisterPatient();
        using var passkey = new SoftwarePasskey();
        await passkey.RegisterAsync(patient.Client);

        using var first = WithBearer(api.Anonymous(), (await (await passkey.SignInAsync(api.Anonymous())).ReadAs<LoginAnswer>()).AccessToken);
        (await first.PostAsync("/api/auth/logout", null)).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await first.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        using var second = WithBearer(api.Anonymous(), (await (await passkey.SignInAsync(api.Anonymous())).ReadAs<LoginAnswer>()).AccessToken);
        (await second.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await patient.Client.PostAsJsonAsync("/api/auth/change-password",
            new { currentPassword = patient.Password, newPassword = "Another-Long-Passphrase-77" })).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await second.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task RemovingAPasskey_EndsTheSessionsItSignedIn_ButNotTheCallers()
    {
        var patient = await api.RegisterPatient();
        using var lost = new SoftwarePasskey();
        using var kept = new SoftwarePasskey();
        var lostId = await lost.RegisterAsync(patient.Client, "Lost phone");
        var keptId = await kept.RegisterAsync(patient.Client, "Laptop");
        var onLostAnswer = await (await lost.SignInAsync(api.Anonymous())).ReadAs<LoginAnswer>();
        using var onLost = WithBearer(api.Anonymous(), onLostAnswer.AccessToken);
        using var onKept = WithBearer(api.Anonymous(), (await (await kept.SignInAsync(api.Anonymous())).ReadAs<LoginAnswer>()).AccessToken);
        (await onLost.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK);

        (await patient.Client.DeleteAsync($"/api/account/passkeys/{lostId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        (await onLost.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        using var anonymous = api.Anonymous();
        (await anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = onLostAnswer.RefreshToken })).StatusCode
            .Should().Be(HttpStatusCode.Unauthorized, "the lost phone's refresh token ends with its session");
        (await onKept.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK, "another passkey's session stays");
        (await patient.Client.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK, "so does the password session that removed it");

        (await onKept.DeleteAsync($"/api/account/passkeys/{keptId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await onKept.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK, "removing the key of the device in hand does not sign it out");
    }

    [Fact]
    public async Task LockedAccount_CannotSignInWithAPasskey()
    {
        var patient = await api.RegisterPatient();
        using var passkey = new SoftwarePasskey();
        await passkey.RegisterAsync(patient.Client);
        using var anonymous = api.Anonymous();
        for (var i = 0; i < 5; i++)
            await anonymous.PostAsJsonAsync("/api/auth/login", new { email = patient.Email, password = "wrong-password-" + i });

        var refused = await passkey.SignInAsync(anonymous);
        (await refused.ShouldBeProblem(HttpStatusCode.Unauthorized)).Detail.Should().Contain("locked");
        refused.Headers.RetryAfter.Should().NotBeNull();
    }

    [Fact]
    public async Task CeremoniesAndCredentials_NeverAppearInTheLogs()
    {
        var patient = await api.RegisterPatient();
        using var passkey = new SoftwarePasskey();
        var registration = await BeginRegistration(patient.Client);
        var created = passkey.Create(registration.Options);
        await patient.Client.PostAsJsonAsync("/api/account/passkeys", new { ceremony = registration.Ceremony, credential = created, name = "Key" });
        using var anonymous = api.Anonymous();
        var signIn = await BeginSignIn(anonymous);
        var assertion = passkey.Get(signIn.Options);
        (await FinishSignIn(anonymous, signIn.Ceremony, assertion)).StatusCode.Should().Be(HttpStatusCode.OK);

        var secrets = new[]
        {
            registration.Ceremony, signIn.Ceremony, passkey.CredentialIdText,
            (string)created["response"]!["attestationObject"]!, (string)assertion["response"]!["signature"]!,
            (string)assertion["response"]!["clientDataJSON"]!, signIn.Options.GetProperty("challenge").GetString()!,
        };
        factory.Logs.Lines.Should().NotContain(line => secrets.Any(secret => line.Contains(secret, StringComparison.Ordinal)));
    }

    private const string PasskeyFailed = "The passkey could not be verified. Start again: ask for new options and use a passkey saved for this site.";
    private const string PasskeyExpired = "This passkey sign-in has expired or was already used. Start again.";

    private sealed record PasskeyAnswer(string Id, string Name, DateTimeOffset CreatedAt, bool BackedUp);

    /// <summary>The same passkey as read back: PostgreSQL keeps timestamps to the microsecond, .NET to 100 ns.</summary>
    private static FluentAssertions.Equivalency.EquivalencyAssertionOptions<PasskeyAnswer> AsStored(FluentAssertions.Equivalency.EquivalencyAssertionOptions<PasskeyAnswer> options) =>
        options.Using<DateTimeOffset>(time => time.Subject.Should().BeCloseTo(time.Expectation, TimeSpan.FromMicroseconds(1))).WhenTypeIs<DateTimeOffset>();
}
