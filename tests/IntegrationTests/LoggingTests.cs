using System.Net.Http.Json;
using MediVault.IntegrationTests.Infrastructure;

namespace MediVault.IntegrationTests;

/// <summary>Passwords, tokens and medical text never reach a log line, at any level.</summary>
public sealed class LoggingTests(MediVaultFactory factory) : IClassFixture<MediVaultFactory>
{
    private readonly Api api = new(factory);

    [Fact]
    public async Task AuthFlow_LogsNoPasswordAndNoToken()
    {
        var patient = await api.RegisterPatient("Logan Logcheck");
        using var client = api.Anonymous();
        await client.PostAsJsonAsync("/api/auth/login", new { email = patient.Email, password = "Wrong-Secret-Passphrase-99" });
        var refreshed = await (await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = patient.RefreshToken })).ReadAs<LoginAnswer>();
        await patient.Client.PostAsJsonAsync("/api/auth/change-password",
            new { currentPassword = patient.Password, newPassword = "Fresh-Unlogged-Passphrase-77" });

        var logs = string.Join('\n', factory.Logs.Lines);

        factory.Logs.Lines.Should().NotBeEmpty();
        logs.Should().NotContainAny(
            Api.StrongPassword, "Wrong-Secret-Passphrase-99", "Fresh-Unlogged-Passphrase-77",
            patient.AccessToken, patient.RefreshToken, refreshed.AccessToken, refreshed.RefreshToken);
    }
}

/// <summary>A first start on an empty data directory is quiet: nothing fails while the database is still being created.</summary>
public sealed class FirstStartLoggingTests : IDisposable
{
    private readonly MediVaultFactory factory = new();

    [Fact]
    public async Task FirstStart_SignsItsFirstCheckpoint_WithoutAFailedAttempt()
    {
        factory.Settings["MediVault:Ledger:CheckpointIntervalMs"] = "0";
        using var client = factory.CreateClient();

        (await client.GetAsync("/api/ledger/checkpoint")).EnsureSuccessStatusCode();

        factory.Logs.Lines.Should().NotContain(line => line.Contains("CheckpointSigningService", StringComparison.Ordinal) && line.StartsWith("Warning", StringComparison.Ordinal));
    }

    public void Dispose() => factory.Dispose();
}
