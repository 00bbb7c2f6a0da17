using System.Net;
using System.Net.Http.Json;
using System.Text;
using MediVault.Infrastructure.Identity;
using MediVault.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace MediVault.IntegrationTests;

/// <summary>
/// Bearer tokens are checked in full once and then remembered (decisions #20): every way of ending access must still
/// cut it on the very next request. Each test first uses the token so that it is remembered, then revokes.
/// </summary>
public sealed class RevocationTests(MediVaultFactory factory) : IClassFixture<MediVaultFactory>
{
    private readonly Api api = new(factory);

    /// <summary>Two successful reads: the second one is answered from the cache of checked tokens.</summary>
    private static async Task Remembered(Session session)
    {
        for (var i = 0; i < 2; i++)
            (await session.Client.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task RememberedToken_IsServedWithoutRecheck_AndStillAuthenticatesTheRightUser()
    {
        var first = await api.RegisterPatient("First Patient");
        var second = await api.RegisterPatient("Second Patient");
        await Remembered(first);
        await Remembered(second);

        (await (await first.Client.GetAsync("/api/auth/me")).ReadAs<UserAnswer>()).Id.Should().Be(first.Id);
        (await (await second.Client.GetAsync("/api/auth/me")).ReadAs<UserAnswer>()).Id.Should().Be(second.Id);
        factory.Services.GetRequiredService<AuthorizationStateCache>().Count.Should().BeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task Logout_CutsARememberedToken()
    {
        var patient = await api.RegisterPatient();
        await Remembered(patient);

        (await patient.Client.PostAsync("/api/auth/logout", null)).StatusCode.Should().Be(HttpStatusCode.NoContent);

        (await patient.Client.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await patient.Client.GetAsync($"/api/files/{patient.Id}")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task PasswordChange_CutsTheOtherSessionsRememberedToken()
    {
        var patient = await api.RegisterPatient();
        var other = await api.LoginAs(patient.Email, patient.Password);
        await Remembered(other);

        (await patient.Client.PostAsJsonAsync("/api/auth/change-password",
            new { currentPassword = patient.Password, newPassword = "Another-Strong-Passphrase-7" })).StatusCode.Should().Be(HttpStatusCode.NoContent);

        (await other.Client.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await patient.Client.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Lockout_CutsARememberedToken()
    {
        var patient = await api.RegisterPatient();
        await Remembered(patient);
        using var anonymous = api.Anonymous();

        for (var i = 0; i < 5; i++)
            await anonymous.PostAsJsonAsync("/api/auth/login", new { email = patient.Email, password = "wrong-password-" + i });

        (await patient.Client.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        await (await anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = patient.RefreshToken }))
            .ShouldBeProblem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task RevokingAGrant_CutsTheDoctorsNextRead()
    {
        var patient = await api.RegisterPatient();
        var doctor = await api.RegisterDoctor();
        await patient.Upload(SampleFiles.Pdf());
        var grant = await (await patient.Client.PostAsJsonAsync("/api/access-grants", new { doctorEmail = doctor.Email }))
            .ReadAs<GrantAnswer>(HttpStatusCode.Created);
        (await doctor.Client.GetAsync($"/api/files/{patient.Id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await doctor.Client.GetAsync($"/api/files/{patient.Id}")).StatusCode.Should().Be(HttpStatusCode.OK);

        (await patient.Client.DeleteAsync($"/api/access-grants/{grant.Id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        await (await doctor.Client.GetAsync($"/api/files/{patient.Id}")).ShouldBeProblem(HttpStatusCode.NotFound);
        (await doctor.Client.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task RevokingTheOAuthAuthorization_ThroughOpenIddict_CutsARememberedToken()
    {
        // The path every other revocation takes (an app revoked from "Connected apps", an account deleted): the
        // authorization manager, whose store reports the change to the cache.
        var patient = await api.RegisterPatient();
        await Remembered(patient);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var authorizations = scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>();
            await foreach (var authorization in authorizations.FindBySubjectAsync(patient.Id.ToString()))
                (await authorizations.TryRevokeAsync(authorization)).Should().BeTrue();
        }

        (await patient.Client.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task RevokingAllOfAUsersAuthorizations_InBulk_CutsARememberedToken()
    {
        var patient = await api.RegisterPatient();
        await Remembered(patient);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var authorizations = scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>();
            (await authorizations.RevokeBySubjectAsync(patient.Id.ToString())).Should().BeGreaterThan(0);
        }

        (await patient.Client.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task RevokingTheAccessTokenItself_CutsIt()
    {
        var patient = await api.RegisterPatient();
        await Remembered(patient);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
            var revoked = 0;
            await foreach (var token in tokens.FindBySubjectAsync(patient.Id.ToString()))
            {
                if (await tokens.HasTypeAsync(token, OpenIddictConstants.TokenTypeIdentifiers.AccessToken) && await tokens.TryRevokeAsync(token))
                    revoked++;
            }
            revoked.Should().BeGreaterThan(0);
        }

        (await patient.Client.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task CookieSession_RememberedThenRevokedByPasswordChange_IsRefused()
    {
        var patient = await api.RegisterPatient();
        using var browser = api.Browser();
        (await browser.PostAsJsonAsync("/api/auth/login", new { email = patient.Email, password = patient.Password })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await browser.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await browser.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK);

        // Another session of the same user revokes them all (a password change), the browser's included.
        (await patient.Client.PostAsJsonAsync("/api/auth/change-password",
            new { currentPassword = patient.Password, newPassword = "Another-Strong-Passphrase-7" })).StatusCode.Should().Be(HttpStatusCode.NoContent);

        (await browser.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AccessToken_StaysEncrypted_NoPersonalDataReadable()
    {
        var patient = await api.RegisterPatient("Readable Name");

        var parts = patient.AccessToken.Split('.');

        parts.Should().HaveCount(5, "a JWE compact serialisation has five parts; a signed JWS would have three");
        var readable = string.Join("\n", parts.Select(DecodeOrEmpty));
        readable.Should().NotContainAny(patient.Email, "Readable Name", patient.Id.ToString());
    }

    private static string DecodeOrEmpty(string part)
    {
        try
        {
            var padded = part.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            return Encoding.UTF8.GetString(Convert.FromBase64String(padded));
        }
        catch (FormatException)
        {
            return "";
        }
    }
}
