using System.Net;
using System.Net.Http.Json;
using MediVault.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace MediVault.IntegrationTests;

/// <summary>
/// "Forgot password?" (issue 15): the same answer for every email, a single-use link valid 30 minutes whose token is
/// stored hashed and travels in the URL's fragment, the password rules on reset, and every session ended by it.
/// </summary>
public sealed class PasswordResetTests(MediVaultFactory factory) : IClassFixture<MediVaultFactory>
{
    private readonly Api api = new(factory);

    private async Task<HttpResponseMessage> Forgot(string email)
    {
        using var client = api.Anonymous();
        return await client.PostAsJsonAsync("/api/auth/forgot-password", new { email });
    }

    private async Task<HttpResponseMessage> Reset(string? token, string? newPassword)
    {
        using var client = api.Anonymous();
        return await client.PostAsJsonAsync("/api/auth/reset-password", new { token, newPassword });
    }

    [Fact]
    public async Task ForgotThenReset_SetsTheNewPassword_EndsEverySession_AndTheOldPasswordStopsWorking()
    {
        var patient = await api.RegisterPatient();
        (await patient.Client.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK);

        var forgot = await Forgot(patient.Email);
        forgot.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var message = await MailPickup.WaitForMessageAsync(factory.DataDirectory, patient.Email);
        message.Subject.Should().Be("Reset your MediVault password");
        var (url, token) = MailPickup.ResetLink(message);
        new Uri(url).Fragment.Should().Contain(token, "the token rides in the fragment, which no browser sends to a server");
        new Uri(url).Query.Should().BeEmpty();
        new Uri(url).AbsolutePath.Should().Be("/");

        const string newPassword = "Another-Strong-Passphrase-8";
        (await Reset(token, newPassword)).StatusCode.Should().Be(HttpStatusCode.NoContent);

        (await patient.Client.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "a reset ends every session");
        using var anonymous = api.Anonymous();
        (await anonymous.PostAsJsonAsync("/api/auth/login", new { email = patient.Email, password = patient.Password }))
            .StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await api.LoginAs(patient.Email, newPassword)).Id.Should().Be(patient.Id);
    }

    [Fact]
    public async Task Forgot_UnknownEmail_GetsTheSameAnswerAsAKnownOne_AndNoEmailIsSent()
    {
        var patient = await api.RegisterPatient();
        var unknown = Api.NewEmail("nobody");

        var known = await Forgot(patient.Email);
        var stranger = await Forgot(unknown);

        stranger.StatusCode.Should().Be(known.StatusCode).And.Be(HttpStatusCode.Accepted);
        (await stranger.Content.ReadAsStringAsync()).Should().Be(await known.Content.ReadAsStringAsync());
        stranger.Content.Headers.ContentType!.MediaType.Should().Be(known.Content.Headers.ContentType!.MediaType);
        await MailPickup.WaitForMessageAsync(factory.DataDirectory, patient.Email);
        MailPickup.To(factory.DataDirectory, unknown).Should().BeEmpty();
    }

    [Fact]
    public async Task Reset_ReusedLink_Returns400NamingToken()
    {
        var patient = await api.RegisterPatient();
        await Forgot(patient.Email);
        var token = await MailPickup.ResetTokenAsync(factory.DataDirectory, patient.Email);
        (await Reset(token, "First-New-Passphrase-11")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        var again = await Reset(token, "Second-New-Passphrase-12");

        await again.ShouldBeValidationProblemFor("token");
        (await api.LoginAs(patient.Email, "First-New-Passphrase-11")).Id.Should().Be(patient.Id);
    }

    [Fact]
    public async Task Reset_WithOneLink_VoidsTheOtherOpenLinks()
    {
        var patient = await api.RegisterPatient();
        await Forgot(patient.Email);
        var first = await MailPickup.ResetTokenAsync(factory.DataDirectory, patient.Email, 1);
        await Forgot(patient.Email);
        var second = await MailPickup.ResetTokenAsync(factory.DataDirectory, patient.Email, 2);

        (await Reset(second, "First-New-Passphrase-11")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        await (await Reset(first, "Second-New-Passphrase-12")).ShouldBeValidationProblemFor("token");
    }

    [Fact]
    public async Task Reset_WeakPassword_Returns400NamingNewPassword_AndTheLinkStillWorks()
    {
        var patient = await api.RegisterPatient();
        await Forgot(patient.Email);
        var token = await MailPickup.ResetTokenAsync(factory.DataDirectory, patient.Email);

        await (await Reset(token, "password1")).ShouldBeValidationProblemFor("newPassword");
        await (await Reset(token, "short")).ShouldBeValidationProblemFor("newPassword");

        (await Reset(token, "Good-New-Passphrase-13")).StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // well-formed, never issued
    public async Task Reset_MissingMalformedOrUnknownToken_Returns400NamingToken(string? token)
    {
        await (await Reset(token, "Good-New-Passphrase-13")).ShouldBeValidationProblemFor("token");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("no-at-sign")]
    public async Task Forgot_MissingOrMalformedEmail_Returns400NamingEmail(string? email)
    {
        await (await Forgot(email!)).ShouldBeValidationProblemFor("email");
    }

    [Fact]
    public async Task Forgot_ManyTimes_SendsAtMostThreeLinksPerHalfHour()
    {
        var patient = await api.RegisterPatient();
        for (var i = 0; i < 5; i++)
            (await Forgot(patient.Email)).StatusCode.Should().Be(HttpStatusCode.Accepted, "the answer never changes");
        await MailPickup.WaitForMessageAsync(factory.DataDirectory, patient.Email, 3);
        await Task.Delay(300); // the outbox would have written a fourth by now
        MailPickup.To(factory.DataDirectory, patient.Email).Should().HaveCount(3);
    }

    [Fact]
    public async Task ResetLink_NeitherItsTokenNorTheLinkAppearsInTheLogs_AndTheDatabaseHoldsOnlyItsHash()
    {
        var patient = await api.RegisterPatient();
        await Forgot(patient.Email);
        var token = await MailPickup.ResetTokenAsync(factory.DataDirectory, patient.Email);
        await Reset(token, "Logged-Nowhere-Passphrase-14");

        factory.Logs.Lines.Should().NotContain(entry => entry.Contains(token, StringComparison.Ordinal));
        var database = await DatabaseBytes.AsTextAsync(factory.DataDirectory);
        database.Should().Contain(patient.Email, "the reader sees the rows").And.NotContain(token);
    }

    [Fact]
    public async Task Reset_AfterThirtyMinutes_Returns400NamingToken()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var clockFactory = new MediVaultFactory { Clock = clock };
        var clocked = new Api(clockFactory);
        var patient = await clocked.RegisterPatient();
        using (var client = clocked.Anonymous())
            (await client.PostAsJsonAsync("/api/auth/forgot-password", new { email = patient.Email })).StatusCode.Should().Be(HttpStatusCode.Accepted);
        var token = await MailPickup.ResetTokenAsync(clockFactory.DataDirectory, patient.Email);

        clock.Advance(TimeSpan.FromMinutes(30) + TimeSpan.FromSeconds(1));

        using var anonymous = clocked.Anonymous();
        var response = await anonymous.PostAsJsonAsync("/api/auth/reset-password", new { token, newPassword = "Too-Late-Passphrase-15" });
        await response.ShouldBeValidationProblemFor("token");
    }
}
