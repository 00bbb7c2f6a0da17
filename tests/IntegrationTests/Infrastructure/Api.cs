using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc.Testing;

namespace MediVault.IntegrationTests.Infrastructure;

/// <summary>A small client over the real HTTP API that keeps tests short without hiding the requests.</summary>
public sealed class Api
{
    private readonly Func<bool, HttpClient> _createClient;

    public Api(WebApplicationFactory<Program> factory) =>
        _createClient = handleCookies => factory.CreateClient(Options(factory, handleCookies));

    /// <summary>A client of an app served elsewhere, e.g. a <see cref="ServerProcess"/>.</summary>
    public Api(Uri baseAddress) =>
        _createClient = handleCookies => new HttpClient(new HttpClientHandler { UseCookies = handleCookies }) { BaseAddress = baseAddress };

    public const string StrongPassword = "Correct-Horse-Battery-42";

    public static readonly JsonSerializerOptions Json = CreateJson();

    /// <summary>A client with no credentials and no cookie jar.</summary>
    public HttpClient Anonymous() => _createClient(false);

    /// <summary>A client that keeps cookies, like a browser.</summary>
    public HttpClient Browser() => _createClient(true);

    /// <summary>Clients talk to the in-memory test server, or to Kestrel once the factory serves on a loopback port.</summary>
    private static WebApplicationFactoryClientOptions Options(WebApplicationFactory<Program> factory, bool handleCookies) => new()
    {
        HandleCookies = handleCookies,
        BaseAddress = (factory as MediVaultFactory)?.LoopbackAddress ?? new WebApplicationFactoryClientOptions().BaseAddress,
    };

    public Task<Session> RegisterPatient(string? fullName = null) =>
        Register(new { email = NewEmail("patient"), password = StrongPassword, fullName = fullName ?? "Pat Patient", accountType = "patient" });

    /// <summary>
    /// A doctor as the product requires one: registered, signed in once, two-factor sign-in set up (doctors can do
    /// nothing else before). The session carries the authenticator key, for signing in again with <see cref="LoginAs"/>.
    /// </summary>
    public async Task<Session> RegisterDoctor(string? fullName = null)
    {
        var firstSignIn = await Register(new
        {
            email = NewEmail("doctor"),
            password = StrongPassword,
            fullName = fullName ?? "Dr. Dana Doctor",
            accountType = "doctor",
            licenseNumber = "LIC-" + Random.Shared.Next(100000, 999999),
            specialty = "Cardiology",
        });
        var (key, _) = await Authenticator.SetUpAsync(firstSignIn.Client);
        return firstSignIn with { AuthenticatorKey = key, User = firstSignIn.User with { TwoFactorEnabled = true } };
    }

    /// <summary>Signs in; an account with two-factor on needs its <paramref name="authenticatorKey"/> for the second step.</summary>
    public async Task<Session> LoginAs(string email, string password, string? authenticatorKey = null)
    {
        using var anonymous = Anonymous();
        var response = await Authenticator.SignInAsync(anonymous, email, password, authenticatorKey);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"Login failed with {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var login = (await response.Content.ReadFromJsonAsync<LoginAnswer>(Json))!;
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.AccessToken);
        return new Session(client, login.User.Id, email, password, login.AccessToken, login.RefreshToken, login.User, authenticatorKey);
    }

    private async Task<Session> Register(object body)
    {
        using var anonymous = Anonymous();
        var response = await anonymous.PostAsJsonAsync("/api/auth/register", body);
        if (response.StatusCode != HttpStatusCode.Created)
            throw new InvalidOperationException($"Register failed with {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var user = (await response.Content.ReadFromJsonAsync<UserAnswer>(Json))!;
        return await LoginAs(user.Email, StrongPassword);
    }

    public static string NewEmail(string prefix) => $"{prefix}-{Guid.NewGuid():N}@example.com";

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        return options;
    }
}

/// <summary>A signed-in user and a client that sends their bearer token.</summary>
/// <param name="AuthenticatorKey">The account's authenticator key when two-factor sign-in is on (every doctor).</param>
public sealed record Session(
    HttpClient Client, Guid Id, string Email, string Password, string AccessToken, string RefreshToken, UserAnswer User,
    string? AuthenticatorKey = null);

public sealed record UserAnswer(Guid Id, string Email, string FullName, string AccountType, DateTime CreatedAt, bool TwoFactorEnabled = false);

public sealed record LoginAnswer(string AccessToken, string TokenType, int ExpiresIn, string RefreshToken, UserAnswer User);

/// <summary>An RFC 9457 problem document as the API writes it.</summary>
public sealed record Problem(int Status, string Title, string? Detail, Dictionary<string, string[]>? Errors);

public static class ResponseExtensions
{
    /// <summary>Asserts the answer is a problem document with the status, and returns it.</summary>
    public static async Task<Problem> ShouldBeProblem(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, body);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json", body);
        var problem = JsonSerializer.Deserialize<Problem>(body, Api.Json)!;
        problem.Status.Should().Be((int)status);
        problem.Title.Should().NotBeNullOrWhiteSpace();
        body.Should().NotContainAny("   at ", "SQLite", "/tmp/", "Exception");
        return problem;
    }

    /// <summary>Asserts a 400 problem whose errors name <paramref name="field"/>.</summary>
    public static async Task<Problem> ShouldBeValidationProblemFor(this HttpResponseMessage response, string field)
    {
        var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest);
        problem.Errors.Should().NotBeNull().And.ContainKey(field);
        return problem;
    }

    public static async Task<T> ReadAs<T>(this HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, body);
        return JsonSerializer.Deserialize<T>(body, Api.Json)!;
    }
}
