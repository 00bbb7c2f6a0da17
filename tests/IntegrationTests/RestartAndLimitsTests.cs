using System.Net;
using System.Net.Http.Json;
using MediVault.IntegrationTests.Infrastructure;

namespace MediVault.IntegrationTests;

public sealed class RestartAndLimitsTests
{
    [Fact]
    public async Task Tokens_StayValidAfterTheHostRestartsOnTheSameDataDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "medivault-tests", Guid.NewGuid().ToString("N"));
        try
        {
            Session patient;
            await using (var first = MediVaultFactory.OnDataDirectory(directory))
                patient = await new Api(first).RegisterPatient("Restart Patient");

            await using var second = MediVaultFactory.OnDataDirectory(directory);
            var api = new Api(second);
            using var client = api.Anonymous();
            client.DefaultRequestHeaders.Authorization = new("Bearer", patient.AccessToken);
            var me = await client.GetAsync("/api/auth/me");
            using var anonymous = api.Anonymous();
            var refresh = await anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = patient.RefreshToken });

            (await me.ReadAs<UserAnswer>()).FullName.Should().Be("Restart Patient");
            refresh.StatusCode.Should().Be(HttpStatusCode.OK);
            var keyFiles = Directory.GetFiles(Path.Combine(directory, "keys"), "*.pem");
            keyFiles.Should().HaveCount(2);
            foreach (var file in keyFiles)
                File.GetUnixFileMode(file).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        finally
        {
            MediVaultFactory.TryDelete(directory);
        }
    }

    [Fact]
    public async Task Login_OverTheRateLimit_Returns429WithRetryAfter()
    {
        await using var factory = new MediVaultFactory();
        factory.Settings["MediVault:RateLimits:AuthPerMinute"] = "3";
        using var client = new Api(factory).Anonymous();
        for (var i = 0; i < 3; i++)
            (await client.PostAsJsonAsync("/api/auth/login", new { email = "someone@example.com", password = "Wrong-Password-1" }))
                .StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        var response = await client.PostAsJsonAsync("/api/auth/login", new { email = "someone@example.com", password = "Wrong-Password-1" });

        await response.ShouldBeProblem(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter.Should().NotBeNull();
        response.Headers.RetryAfter!.Delta!.Value.Should().BePositive();
    }

    [Fact]
    public async Task Register_OverTheRateLimit_Returns429()
    {
        await using var factory = new MediVaultFactory();
        factory.Settings["MediVault:RateLimits:AuthPerMinute"] = "2";
        using var client = new Api(factory).Anonymous();
        for (var i = 0; i < 2; i++)
            await client.PostAsJsonAsync("/api/auth/register", new { email = "not-an-email" });

        var response = await client.PostAsJsonAsync("/api/auth/register", new { email = "not-an-email" });

        await response.ShouldBeProblem(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task SampleData_WhenOn_SeedsTheTwoAccountsOnce()
    {
        var directory = Path.Combine(Path.GetTempPath(), "medivault-tests", Guid.NewGuid().ToString("N"));
        try
        {
            for (var start = 0; start < 2; start++)
            {
                await using var factory = MediVaultFactory.OnDataDirectory(directory);
                factory.Settings["MediVault:SeedSampleData"] = "true";
                var api = new Api(factory);

                var patient = await api.LoginAs("sakshi@example.com", "password123");
                var doctor = await api.LoginAs("dr.sharma@example.com", "doctor123");

                patient.User.AccountType.Should().Be("patient");
                doctor.User.AccountType.Should().Be("doctor");
            }
        }
        finally
        {
            MediVaultFactory.TryDelete(directory);
        }
    }

    [Fact]
    public async Task SampleData_WhenOff_SeedsNothing()
    {
        await using var factory = new MediVaultFactory();
        using var client = new Api(factory).Anonymous();

        var response = await client.PostAsJsonAsync("/api/auth/login", new { email = "sakshi@example.com", password = "password123" });

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }
}

public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("MediVault:Files:MaxUploadBytes", "0")]
    [InlineData("MediVault:RateLimits:AuthPerMinute", "-1")]
    [InlineData("MediVault:PublicBaseUrl", "not a url")]
    [InlineData("MediVault:MasterKey", "c2hvcnQ=")]
    [InlineData("MediVault:Cors:AllowedOrigins:0", "*")]
    public void Startup_BadSetting_FailsNamingTheKey(string key, string value)
    {
        using var factory = new MediVaultFactory();
        factory.Settings[key] = value;

        var start = () => factory.CreateClient();

        start.Should().Throw<Microsoft.Extensions.Options.OptionsValidationException>().WithMessage($"*{key}*");
    }

    [Fact]
    public void Startup_SettingOfTheWrongType_FailsNamingTheKey()
    {
        using var factory = new MediVaultFactory();
        factory.Settings["MediVault:RateLimits:QrAccessPerMinute"] = "many";

        var start = () => factory.CreateClient();

        start.Should().Throw<Exception>().Where(e => e.ToString().Contains("MediVault:RateLimits:QrAccessPerMinute", StringComparison.Ordinal));
    }
}
