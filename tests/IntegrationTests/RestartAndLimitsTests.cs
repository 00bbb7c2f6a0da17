using System.Net;
using System.Net.Http.Json;
using MediVault.Infrastructure.Identity;
using MediVault.IntegrationTests.Infrastructure;

namespace MediVault.IntegrationTests;

public sealed class RestartAndLimitsTests
{
    [Fact]
    [Trait("Category", TestConfiguration.EmbeddedOnly)] // the token keys as files in keys/ (PostgreSQL: from configuration)
    public async Task Tokens_StayValidAfterTheHostRestartsOnTheSameDataDirectory()
    {
        var directory = MediVaultFactory.NewDataDirectoryPath();
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
        var directory = MediVaultFactory.NewDataDirectoryPath();
        try
        {
            for (var start = 0; start < 2; start++)
            {
                await using var factory = MediVaultFactory.OnDataDirectory(directory);
                factory.Settings["MediVault:SeedSampleData"] = "true";
                var api = new Api(factory);

                var patient = await api.LoginAs("sakshi@example.com", "password123");
                var doctor = await api.LoginAs("dr.sharma@example.com", "doctor123", SampleDataSeeder.SampleDoctorAuthenticatorKey);

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

/// <summary>
/// The real program started as a process with one bad setting: it must stop at start-up and name the key.
/// (A process, not WebApplicationFactory, whose teardown races with a host that fails to start.)
/// </summary>
public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("MediVault:Files:MaxUploadBytes", "0")]
    [InlineData("MediVault:RateLimits:AuthPerMinute", "-1")]
    [InlineData("MediVault:PublicBaseUrl", "not a url")]
    [InlineData("MediVault:MasterKey", "c2hvcnQ=")]
    [InlineData("MediVault:Cors:AllowedOrigins:0", "*")]
    [InlineData("MediVault:RateLimits:QrAccessPerMinute", "many")]
    public async Task Startup_BadSetting_StopsTheAppNamingTheKey(string key, string value)
    {
        var directory = MediVaultFactory.NewDataDirectoryPath();
        try
        {
            var (exitCode, output) = await RunApp(directory, $"--{key}={value}");

            exitCode.Should().Be(1, output); // an exit, not an abort (134), which could dump the process's memory
            output.Should().Contain("MediVault did not start: ").And.Contain(key).And.NotContain("Unhandled exception");
        }
        finally
        {
            MediVaultFactory.TryDelete(directory);
        }
    }

    /// <summary>
    /// A database file that is not one fails the migrations while the host starts, after the ledger's checkpoint signer
    /// has started waiting for the app. The start ends with exit code 1 and the reason, and nothing else reports a failure.
    /// </summary>
    [Fact]
    [Trait("Category", TestConfiguration.EmbeddedOnly)] // the SQLite file of the data directory
    public async Task Startup_DatabaseFileIsNotADatabase_ExitsWithTheReason_AndNoBackgroundServiceFails()
    {
        var directory = MediVaultFactory.NewDataDirectoryPath();
        try
        {
            Directory.CreateDirectory(directory);
            await File.WriteAllBytesAsync(Path.Combine(directory, "medivault.db"), Enumerable.Repeat((byte)0x5A, 8192).ToArray());

            var (exitCode, output) = await RunApp(directory, "--MediVault:SeedSampleData=false");

            exitCode.Should().Be(1, output);
            output.Should().Contain("MediVault did not start: ").And.Contain("not a database")
                .And.NotContain("BackgroundService failed").And.NotContain("Unhandled exception");
        }
        finally
        {
            MediVaultFactory.TryDelete(directory);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunApp(string dataDirectory, string setting)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "MediVault.WebApi.dll"), "--urls", "http://127.0.0.1:0",
            "--environment", "Testing", $"--MediVault:DataDirectory={dataDirectory}", setting,
        })
            start.ArgumentList.Add(argument);

        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (0, "the app did not stop: " + await stdout);
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
