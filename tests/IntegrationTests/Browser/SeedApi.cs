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
        Register(new { email = EmailFor(fullName), password = Api.StrongPassword, fullName, accountType = "patient" });

    /// <summary>A doctor with two-factor sign-in set up through the shared <see cref="Authenticator"/> (doctors must have it).</summary>
    public async Task<Person> RegisterDoctor(string fullName)
    {
        var doctor = await Register(new
        {
            email = EmailFor(fullName),
            password = Api.StrongPassword,
            fullName,
            accountType = "doctor",
            licenseNumber = "MCI-" + Random.Shared.Next(100000, 999999),
            specialty = "General practice",
        });
        var (key, _) = await Authenticator.SetUpAsync(doctor.Client);
        return doctor with { AuthenticatorKey = key };
    }

    /// <summary>"Dr. Arjun Sharma" → "arjun.sharma.3fa2c1@example.com": readable in screenshots, unique per test.</summary>
    private static string EmailFor(string fullName)
    {
        var words = fullName.ToLowerInvariant().Replace("dr.", "", StringComparison.Ordinal)
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => new string([.. w.Where(char.IsAsciiLetterOrDigit)]));
        return $"{string.Join('.', words.Where(w => w.Length > 0))}.{Guid.NewGuid().ToString("N")[..6]}@example.com";
    }

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

    /// <summary>Uploads a file into <paramref name="owner"/>'s vault (as <paramref name="uploader"/>, default the owner).</summary>
    public static async Task UploadFile(Person owner, string fileName, byte[] content, string category, Person? uploader = null)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(category), "category");
        if (uploader is not null)
            form.Add(new StringContent(owner.Id.ToString()), "patientId");
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        var response = await (uploader ?? owner).Client.PostAsync("/api/files/upload", form);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    public static async Task SaveEmergencyProfile(Person patient)
    {
        var response = await patient.Client.PutAsJsonAsync($"/api/emergency-profile/{patient.Id}", new
        {
            dateOfBirth = "1990-05-14",
            bloodType = "O+",
            allergies = new[] { new { substance = "Penicillin", reaction = "Hives, breathing difficulty", severity = "severe" } },
            conditions = new[] { new { name = "Asthma", notes = "Uses an inhaler" } },
            medications = new[] { new { name = "Salbutamol", dosage = "100 mcg", frequency = "As needed" } },
            emergencyContacts = new[] { new { name = "Ravi Verma", relationship = "Brother", phone = "+91 98765 43210" } },
            organDonor = true,
            medicalNotes = "Carries an inhaler.",
        });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Generates a QR code and returns its access URL (the emergency page).</summary>
    public static async Task<string> GenerateQrCode(Person patient, string label)
    {
        var response = await patient.Client.PostAsJsonAsync("/api/qr/generate", new { expiresInMinutes = 1440, label });
        var created = await response.ReadAs<QrCreated>(HttpStatusCode.Created);
        return created.AccessUrl;
    }

    public static async Task GrantAccess(Person patient, Person doctor)
    {
        var response = await patient.Client.PostAsJsonAsync("/api/access-grants", new { doctorEmail = doctor.Email });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    public static async Task<int> CountFiles(Person patient)
    {
        var response = await patient.Client.GetAsync($"/api/files/{patient.Id}?page=1&pageSize=100");
        return (await response.ReadAs<FilePage>()).TotalCount;
    }

    public void Dispose() => anonymous.Dispose();

    private sealed record QrCreated(string AccessUrl);

    private sealed record FilePage(int TotalCount);
}

/// <summary>Files the browser tests upload: real magic bytes, deterministic content.</summary>
public static class SampleFiles
{
    /// <summary>A PDF of about <paramref name="size"/> bytes (a header, filler, and the end-of-file marker).</summary>
    public static byte[] Pdf(int size, int seed = 7)
    {
        var header = "%PDF-1.4\n1 0 obj <<>> endobj\n"u8.ToArray();
        var trailer = "\n%%EOF\n"u8.ToArray();
        var filler = new byte[Math.Max(0, size - header.Length - trailer.Length)];
        new Random(seed).NextBytes(filler);
        return [.. header, .. filler, .. trailer];
    }
}

/// <summary>An account the test made, and a client that calls the API as that account (and its authenticator key, for a doctor).</summary>
public sealed record Person(Guid Id, string Email, string Password, string FullName, HttpClient Client, string? AuthenticatorKey = null);
