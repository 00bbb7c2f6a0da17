using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using MediVault.IntegrationTests.Infrastructure;

namespace MediVault.IntegrationTests.Browser;

/// <summary>
/// Arranges what a browser test needs but does not test (accounts, a grant, a file) through the real API on the
/// Kestrel port, with bearer tokens.
/// </summary>
public sealed class SeedApi(Uri baseUrl) : IDisposable
{
    // No cookie jar: the login's session cookie would otherwise turn the next register into a cookie request.
    private readonly HttpClient anonymous = new(new HttpClientHandler { UseCookies = false }) { BaseAddress = baseUrl };

    public Task<Person> RegisterPatient(string fullName) =>
        Register(new { email = Api.NewEmail("patient"), password = Api.StrongPassword, fullName, accountType = "patient" });

    public Task<Person> RegisterDoctor(string fullName) =>
        Register(new
        {
            email = Api.NewEmail("doctor"), password = Api.StrongPassword, fullName, accountType = "doctor",
            licenseNumber = "MCI-" + Random.Shared.Next(100000, 999999), specialty = "General practice",
        });

    private async Task<Person> Register(object body)
    {
        var response = await anonymous.PostAsJsonAsync("/api/auth/register", body);
        var user = await response.ReadAs<UserAnswer>(HttpStatusCode.Created);
        var login = await anonymous.PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = Api.StrongPassword });
        var answer = await login.ReadAs<LoginAnswer>();
        var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = baseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", answer.AccessToken);
        return new Person(user.Id, user.Email, Api.StrongPassword, user.FullName, client);
    }

    public void Dispose() => anonymous.Dispose();
}

/// <summary>An account the test made, and a client that calls the API as that account.</summary>
public sealed record Person(Guid Id, string Email, string Password, string FullName, HttpClient Client);
