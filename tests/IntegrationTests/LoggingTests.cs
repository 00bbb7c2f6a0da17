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
