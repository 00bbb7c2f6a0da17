using System.Net;
using System.Net.Http.Json;
using MediVault.IntegrationTests.Infrastructure;

namespace MediVault.IntegrationTests;

public sealed class AuthTests(MediVaultFactory factory) : IClassFixture<MediVaultFactory>
{
    private readonly Api api = new(factory);

    [Fact]
    public async Task Register_Patient_Returns201WithUser()
    {
        using var client = api.Anonymous();
        var email = Api.NewEmail("new");

        var response = await client.PostAsJsonAsync("/api/auth/register",
            new { email, password = Api.StrongPassword, fullName = "Asha Rao", accountType = "patient" });

        var user = await response.ReadAs<UserAnswer>(HttpStatusCode.Created);
        user.Email.Should().Be(email);
        user.FullName.Should().Be("Asha Rao");
        user.AccountType.Should().Be("patient");
        user.Id.Should().NotBeEmpty();
        user.CreatedAt.Should().BeCloseTo(DateTime.UtcNow, TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Register_DoctorWithoutLicense_Returns400NamingLicenseNumber()
    {
        using var client = api.Anonymous();

        var response = await client.PostAsJsonAsync("/api/auth/register",
            new { email = Api.NewEmail("doc"), password = Api.StrongPassword, fullName = "Dr. X", accountType = "doctor" });

        await response.ShouldBeValidationProblemFor("licenseNumber");
    }

    [Fact]
    public async Task Register_DuplicateEmail_Returns409()
    {
        var existing = await api.RegisterPatient();
        using var client = api.Anonymous();

        var response = await client.PostAsJsonAsync("/api/auth/register",
            new { email = existing.Email.ToUpperInvariant(), password = Api.StrongPassword, fullName = "Copy", accountType = "patient" });

        await response.ShouldBeProblem(HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("short7!")]                    // shorter than 8
    [InlineData("password1")]                  // on the common-password list
    [InlineData("iloveyou")]                   // on the common-password list
    public async Task Register_WeakPassword_Returns400NamingPassword(string password)
    {
        using var client = api.Anonymous();

        var response = await client.PostAsJsonAsync("/api/auth/register",
            new { email = Api.NewEmail("weak"), password, fullName = "Weak", accountType = "patient" });

        await response.ShouldBeValidationProblemFor("password");
    }

    [Fact]
    public async Task Register_PasswordLongerThan128_Returns400NamingPassword()
    {
        using var client = api.Anonymous();

        var response = await client.PostAsJsonAsync("/api/auth/register",
            new { email = Api.NewEmail("long"), password = new string('x', 129), fullName = "Long", accountType = "patient" });

        await response.ShouldBeValidationProblemFor("password");
    }

    [Fact]
    public async Task Register_PasswordOf128_IsAccepted()
    {
        using var client = api.Anonymous();

        var response = await client.PostAsJsonAsync("/api/auth/register",
            new { email = Api.NewEmail("edge"), password = "Zq9-" + new string('k', 124), fullName = "Edge", accountType = "patient" });

        response.StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("""{"email":"not-an-email","password":"Correct-Horse-Battery-42","fullName":"A","accountType":"patient"}""", "email")]
    [InlineData("""{"email":"a@example.com","password":"Correct-Horse-Battery-42","fullName":"","accountType":"patient"}""", "fullName")]
    [InlineData("""{"email":"a@example.com","password":"Correct-Horse-Battery-42","fullName":"A","accountType":"nurse"}""", "accountType")]
    [InlineData("""{"email":"a@example.com","password":"Correct-Horse-Battery-42","fullName":"A"}""", "accountType")]
    [InlineData("""{"email":42,"password":"Correct-Horse-Battery-42","fullName":"A","accountType":"patient"}""", "email")]
    [InlineData("""{"email":"a@example.com","password":"Correct-Horse-Battery-42","fullName":"A","accountType":"patient" """, "body")]
    public async Task Register_BadInput_Returns400NamingTheField(string json, string field)
    {
        using var client = api.Anonymous();

        var response = await client.PostAsync("/api/auth/register", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await response.ShouldBeValidationProblemFor(field);
    }

    [Fact]
    public async Task Login_ValidCredentials_ReturnsTokensAndUser()
    {
        var patient = await api.RegisterPatient("Lola Login");
        using var client = api.Anonymous();

        var response = await client.PostAsJsonAsync("/api/auth/login", new { email = patient.Email, password = patient.Password });

        var login = await response.ReadAs<LoginAnswer>();
        login.TokenType.Should().Be("Bearer");
        login.AccessToken.Should().NotBeNullOrEmpty();
        login.RefreshToken.Should().NotBeNullOrEmpty();
        login.ExpiresIn.Should().BePositive();
        login.User.FullName.Should().Be("Lola Login");
        response.Headers.GetValues("Set-Cookie").Should().Contain(c => c.StartsWith("mv_session=", StringComparison.Ordinal)
            && c.Contains("httponly", StringComparison.OrdinalIgnoreCase) && c.Contains("samesite=strict", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Login_UnknownEmailAndWrongPassword_GiveTheSameAnswer()
    {
        var patient = await api.RegisterPatient();
        using var client = api.Anonymous();

        var wrongPassword = await client.PostAsJsonAsync("/api/auth/login", new { email = patient.Email, password = "Not-The-Password-1" });
        var unknownEmail = await client.PostAsJsonAsync("/api/auth/login", new { email = Api.NewEmail("ghost"), password = "Not-The-Password-1" });

        var first = await wrongPassword.ShouldBeProblem(HttpStatusCode.Unauthorized);
        var second = await unknownEmail.ShouldBeProblem(HttpStatusCode.Unauthorized);
        second.Title.Should().Be(first.Title);
        second.Detail.Should().Be(first.Detail);
    }

    [Theory]
    [InlineData("""{"password":"x"}""", "email")]
    [InlineData("""{"email":"a@example.com"}""", "password")]
    [InlineData("""{"email":5,"password":"x"}""", "email")]
    [InlineData("not json", "body")]
    public async Task Login_BadInput_Returns400NamingTheField(string json, string field)
    {
        using var client = api.Anonymous();

        var response = await client.PostAsync("/api/auth/login", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await response.ShouldBeValidationProblemFor(field);
    }

    [Fact]
    public async Task Login_FiveFailures_LockTheAccountEvenForTheRightPassword()
    {
        var patient = await api.RegisterPatient();
        using var client = api.Anonymous();
        for (var i = 0; i < 5; i++)
            await client.PostAsJsonAsync("/api/auth/login", new { email = patient.Email, password = "Wrong-Password-" + i });

        var response = await client.PostAsJsonAsync("/api/auth/login", new { email = patient.Email, password = patient.Password });

        var problem = await response.ShouldBeProblem(HttpStatusCode.Unauthorized);
        problem.Detail.Should().Contain("locked");
        (await response.Content.ReadAsStringAsync()).Should().NotContain("accessToken");
    }

    [Fact]
    public async Task Login_FiveFailuresForUnknownEmail_AnswersLikeALockedAccount()
    {
        var email = Api.NewEmail("nobody");
        using var client = api.Anonymous();
        for (var i = 0; i < 5; i++)
            await client.PostAsJsonAsync("/api/auth/login", new { email, password = "Wrong-Password-" + i });

        var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password = "Wrong-Password-x" });

        (await response.ShouldBeProblem(HttpStatusCode.Unauthorized)).Detail.Should().Contain("locked");
    }

    [Fact]
    public async Task Refresh_ReturnsNewTokens_AndTheOldRefreshTokenStopsWorking()
    {
        var patient = await api.RegisterPatient();
        using var client = api.Anonymous();

        var first = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = patient.RefreshToken });
        var second = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = patient.RefreshToken });

        var refreshed = await first.ReadAs<LoginAnswer>();
        refreshed.RefreshToken.Should().NotBe(patient.RefreshToken);
        refreshed.User.Id.Should().Be(patient.Id);
        await second.ShouldBeProblem(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("""{}""", "refreshToken")]
    [InlineData("""{"refreshToken":""}""", "refreshToken")]
    public async Task Refresh_BadInput_Returns400(string json, string field)
    {
        using var client = api.Anonymous();

        var response = await client.PostAsync("/api/auth/refresh", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await response.ShouldBeValidationProblemFor(field);
    }

    [Fact]
    public async Task Refresh_GarbageToken_Returns401()
    {
        using var client = api.Anonymous();

        var response = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = "not-a-token" });

        await response.ShouldBeProblem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Me_WithBearer_ReturnsUser()
    {
        var patient = await api.RegisterPatient("Mia Me");

        var response = await patient.Client.GetAsync("/api/auth/me");

        var user = await response.ReadAs<UserAnswer>();
        user.Id.Should().Be(patient.Id);
        user.FullName.Should().Be("Mia Me");
    }

    [Fact]
    public async Task Me_Anonymous_Returns401Problem()
    {
        using var client = api.Anonymous();

        var response = await client.GetAsync("/api/auth/me");

        var problem = await response.ShouldBeProblem(HttpStatusCode.Unauthorized);
        problem.Title.Should().NotBeNullOrWhiteSpace();
        (await response.Content.ReadAsStringAsync()).Should().NotContain("email").And.NotContain("fullName");
    }

    [Fact]
    public async Task Me_WithGarbageBearer_Returns401()
    {
        using var client = api.Anonymous();
        client.DefaultRequestHeaders.Authorization = new("Bearer", "garbage");

        var response = await client.GetAsync("/api/auth/me");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Logout_RevokesRefreshTokenAndAccessToken()
    {
        var patient = await api.RegisterPatient();

        var logout = await patient.Client.PostAsync("/api/auth/logout", null);
        using var anonymous = api.Anonymous();
        var refresh = await anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = patient.RefreshToken });
        var me = await patient.Client.GetAsync("/api/auth/me");

        logout.StatusCode.Should().Be(HttpStatusCode.NoContent);
        await refresh.ShouldBeProblem(HttpStatusCode.Unauthorized);
        me.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Logout_Anonymous_Returns401()
    {
        using var client = api.Anonymous();

        var response = await client.PostAsync("/api/auth/logout", null);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task UpdateMe_ChangesFullName()
    {
        var patient = await api.RegisterPatient("Old Name");

        var response = await patient.Client.PatchAsJsonAsync("/api/auth/me", new { fullName = "New Name" });

        (await response.ReadAs<UserAnswer>()).FullName.Should().Be("New Name");
        (await (await patient.Client.GetAsync("/api/auth/me")).ReadAs<UserAnswer>()).FullName.Should().Be("New Name");
    }

    [Fact]
    public async Task UpdateMe_EmptyName_Returns400()
    {
        var patient = await api.RegisterPatient();

        var response = await patient.Client.PatchAsJsonAsync("/api/auth/me", new { fullName = "" });

        await response.ShouldBeValidationProblemFor("fullName");
    }

    [Fact]
    public async Task UpdateMe_PatientSettingSpecialty_Returns400()
    {
        var patient = await api.RegisterPatient();

        var response = await patient.Client.PatchAsJsonAsync("/api/auth/me", new { specialty = "Surgery" });

        await response.ShouldBeValidationProblemFor("specialty");
    }

    [Fact]
    public async Task UpdateMe_Anonymous_Returns401()
    {
        using var client = api.Anonymous();

        var response = await client.PatchAsJsonAsync("/api/auth/me", new { fullName = "X" });

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ChangePassword_EndsOtherSessions_AndTheNewPasswordWorks()
    {
        var patient = await api.RegisterPatient();
        var otherSession = await api.LoginAs(patient.Email, patient.Password);

        var response = await patient.Client.PostAsJsonAsync("/api/auth/change-password",
            new { currentPassword = patient.Password, newPassword = "Another-Strong-Passphrase-7" });

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await otherSession.Client.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        using var anonymous = api.Anonymous();
        await (await anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = otherSession.RefreshToken }))
            .ShouldBeProblem(HttpStatusCode.Unauthorized);
        (await patient.Client.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await api.LoginAs(patient.Email, "Another-Strong-Passphrase-7")).Id.Should().Be(patient.Id);
    }

    [Fact]
    public async Task ChangePassword_WrongCurrentPassword_Returns400NamingCurrentPassword()
    {
        var patient = await api.RegisterPatient();

        var response = await patient.Client.PostAsJsonAsync("/api/auth/change-password",
            new { currentPassword = "Not-My-Password-1", newPassword = "Another-Strong-Passphrase-7" });

        await response.ShouldBeValidationProblemFor("currentPassword");
    }

    [Fact]
    public async Task ChangePassword_CommonNewPassword_Returns400NamingNewPassword()
    {
        var patient = await api.RegisterPatient();

        var response = await patient.Client.PostAsJsonAsync("/api/auth/change-password",
            new { currentPassword = patient.Password, newPassword = "password123" });

        await response.ShouldBeValidationProblemFor("newPassword");
    }

    [Fact]
    public async Task ChangePassword_Anonymous_Returns401()
    {
        using var client = api.Anonymous();

        var response = await client.PostAsJsonAsync("/api/auth/change-password",
            new { currentPassword = "a", newPassword = "Another-Strong-Passphrase-7" });

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Google_NotConfigured_Returns404Problem()
    {
        using var client = api.Anonymous();

        var response = await client.GetAsync("/api/auth/google");
        var providers = await (await client.GetAsync("/api/auth/providers")).ReadAs<Dictionary<string, bool>>();

        await response.ShouldBeProblem(HttpStatusCode.NotFound);
        providers["google"].Should().BeFalse();
    }
}
