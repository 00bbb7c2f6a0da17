using System.Net;
using MediVault.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.IntegrationTests;

/// <summary>"Sign in with Google" against a stand-in for Google's token and user-info endpoints on a loopback port.</summary>
public sealed class GoogleSignInTests : IAsyncLifetime
{
    private WebApplication? fakeGoogle;
    private string fakeGoogleUrl = "";
    private bool emailVerified = true;
    private string email = Api.NewEmail("gina");

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        fakeGoogle = builder.Build();
        fakeGoogle.MapPost("/token", (HttpRequest request) =>
            Results.Json(new { access_token = "google-access-token", token_type = "Bearer", expires_in = 3600 }));
        fakeGoogle.MapGet("/userinfo", (HttpRequest request) =>
            request.Headers.Authorization.ToString() == "Bearer google-access-token"
                ? Results.Json(new { id = "google-user-1", sub = "google-user-1", email, email_verified = emailVerified, name = "Gina Google" })
                : Results.Unauthorized());
        await fakeGoogle.StartAsync();
        fakeGoogleUrl = fakeGoogle.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async Task DisposeAsync()
    {
        if (fakeGoogle is not null)
            await fakeGoogle.DisposeAsync();
    }

    private MediVaultFactory GoogleFactory()
    {
        var factory = new MediVaultFactory();
        factory.Settings["Authentication:Google:ClientId"] = "medivault-test-client";
        factory.Settings["Authentication:Google:ClientSecret"] = "medivault-test-secret";
        factory.Settings["Authentication:Google:AuthorizationEndpoint"] = fakeGoogleUrl + "/authorize";
        factory.Settings["Authentication:Google:TokenEndpoint"] = fakeGoogleUrl + "/token";
        factory.Settings["Authentication:Google:UserInformationEndpoint"] = fakeGoogleUrl + "/userinfo";
        return factory;
    }

    /// <summary>Walks the redirect dance a browser would: to Google, back to our callback, and on to the app.</summary>
    private static async Task<HttpResponseMessage> SignInThroughGoogle(HttpClient browser)
    {
        var challenge = await browser.GetAsync("/api/auth/google?returnUrl=%2F%23%2Fdashboard");
        challenge.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var toGoogle = challenge.Headers.Location!;
        var query = QueryHelpers.ParseQuery(toGoogle.Query);
        // "Google" signs the user in and sends the browser back with a code and the state it was given.
        var callback = new Uri(query["redirect_uri"].ToString());
        var back = await browser.GetAsync($"{callback.AbsolutePath}?code=google-code&state={Uri.EscapeDataString(query["state"].ToString())}");
        back.StatusCode.Should().Be(HttpStatusCode.Redirect, await back.Content.ReadAsStringAsync());
        return await browser.GetAsync(back.Headers.Location!);
    }

    [Fact]
    public async Task Google_Configured_ProvidersSaysSo_AndChallengeRedirectsToGoogle()
    {
        await using var factory = GoogleFactory();
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });

        var providers = await (await client.GetAsync("/api/auth/providers")).ReadAs<Dictionary<string, bool>>();
        var challenge = await client.GetAsync("/api/auth/google");

        providers["google"].Should().BeTrue();
        challenge.StatusCode.Should().Be(HttpStatusCode.Redirect);
        challenge.Headers.Location!.ToString().Should().StartWith(fakeGoogleUrl + "/authorize");
    }

    [Fact]
    public async Task Callback_VerifiedEmail_CreatesAPatientAndSignsTheBrowserIn()
    {
        await using var factory = GoogleFactory();
        using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            HandleCookies = true,
            BaseAddress = new Uri("https://localhost"),
        });

        var final = await SignInThroughGoogle(browser);

        final.StatusCode.Should().Be(HttpStatusCode.Redirect);
        final.Headers.Location!.ToString().Should().Be("/#/dashboard");
        var me = await (await browser.GetAsync("/api/auth/me")).ReadAs<UserAnswer>();
        me.Email.Should().Be(email);
        me.FullName.Should().Be("Gina Google");
        me.AccountType.Should().Be("patient");
    }

    [Fact]
    public async Task Callback_ExistingAccountWithTheSameEmail_IsLinkedNotDuplicated()
    {
        await using var factory = GoogleFactory();
        var existing = await new Api(factory).RegisterDoctor("Dr. Existing");
        email = existing.Email;
        using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            HandleCookies = true,
            BaseAddress = new Uri("https://localhost"),
        });

        await SignInThroughGoogle(browser);

        var me = await (await browser.GetAsync("/api/auth/me")).ReadAs<UserAnswer>();
        me.Id.Should().Be(existing.Id);
        me.AccountType.Should().Be("doctor");
    }

    [Fact]
    public async Task Callback_UnverifiedEmail_SignsNobodyIn()
    {
        emailVerified = false;
        await using var factory = GoogleFactory();
        using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            HandleCookies = true,
            BaseAddress = new Uri("https://localhost"),
        });

        var final = await SignInThroughGoogle(browser);

        await final.ShouldBeProblem(HttpStatusCode.Unauthorized);
        (await browser.GetAsync("/api/auth/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }
}
