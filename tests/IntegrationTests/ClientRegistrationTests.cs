using MediVault.Infrastructure.Identity;
using MediVault.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;

namespace MediVault.IntegrationTests;

/// <summary>
/// The OAuth clients are registered from configuration at every start (decisions §40, §158): a changed registration is
/// applied on the next start, and an unchanged one is not written again.
/// </summary>
public sealed class ClientRegistrationTests
{
    private const string PortalId = "portal";
    private const string ServiceId = "service";
    private const string FirstSecret = "first-secret-0123456789";
    private const string SecondSecret = "second-secret-0123456789";

    [Fact]
    public async Task ARestart_WritesOnlyTheRegistrationsConfigurationChanged()
    {
        var directory = MediVaultFactory.NewDataDirectoryPath();
        try
        {
            var first = await StartAsync(directory, "Portal A", ["https://portal.example/callback"], FirstSecret);

            var same = await StartAsync(directory, "Portal A", ["https://portal.example/callback"], FirstSecret);

            same.WebApp.Token.Should().Be(first.WebApp.Token, "the web app's registration did not change");
            same.Portal.Token.Should().Be(first.Portal.Token, "the portal's registration did not change");

            var changed = await StartAsync(directory, "Portal B", ["https://portal.example/callback", "https://portal.example/other"], SecondSecret);

            changed.WebApp.Token.Should().Be(first.WebApp.Token);
            changed.Portal.Token.Should().NotBe(first.Portal.Token);
            changed.Portal.DisplayName.Should().Be("Portal B");
            changed.Portal.RedirectUris.Should().BeEquivalentTo("https://portal.example/callback", "https://portal.example/other");
            changed.ServiceAcceptsSecond.Should().BeTrue("a changed secret is applied on the next start");
            changed.ServiceAcceptsFirst.Should().BeFalse();
        }
        finally
        {
            MediVaultFactory.Discard(directory);
        }
    }

    private sealed record Stored(string? Token, string? DisplayName, string[] RedirectUris);

    private sealed record Registrations(Stored WebApp, Stored Portal, bool ServiceAcceptsFirst, bool ServiceAcceptsSecond);

    /// <summary>Starts the app on the directory with a public portal and a confidential service client, then reads
    /// what is stored and stops it.</summary>
    private static async Task<Registrations> StartAsync(string directory, string portalName, string[] redirectUris, string serviceSecret)
    {
        await using var factory = MediVaultFactory.OnDataDirectory(directory);
        factory.Settings["MediVault:Clients:0:ClientId"] = PortalId;
        factory.Settings["MediVault:Clients:0:DisplayName"] = portalName;
        for (var i = 0; i < redirectUris.Length; i++)
            factory.Settings[$"MediVault:Clients:0:RedirectUris:{i}"] = redirectUris[i];
        factory.Settings["MediVault:Clients:1:ClientId"] = ServiceId;
        factory.Settings["MediVault:Clients:1:ClientSecret"] = serviceSecret;

        await using var scope = factory.Services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var service = await applications.FindByClientIdAsync(ServiceId) ?? throw new InvalidOperationException("no service client");
        return new Registrations(
            await StoredAsync(applications, IdentityServices.FirstPartyClientId),
            await StoredAsync(applications, PortalId),
            await applications.ValidateClientSecretAsync(service, FirstSecret),
            await applications.ValidateClientSecretAsync(service, SecondSecret));
    }

    private static async Task<Stored> StoredAsync(IOpenIddictApplicationManager applications, string clientId)
    {
        var application = (OpenIddictEntityFrameworkCoreApplication<Guid>)(await applications.FindByClientIdAsync(clientId)
            ?? throw new InvalidOperationException($"{clientId} is not registered"));
        var redirectUris = await applications.GetRedirectUrisAsync(application);
        return new Stored(application.ConcurrencyToken, application.DisplayName, [.. redirectUris]);
    }
}
