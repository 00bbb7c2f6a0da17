using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Hl7.Fhir.Serialization;
using MediVault.Application.Emergency;
using MediVault.Application.Fhir;
using MediVault.Application.Fhir.Ips;
using MediVault.Domain.Emergency;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;

namespace MediVault.Benchmarks;

/// <summary>
/// <c>GET /fhir/r4/Patient/{id}/$summary</c> through the whole app (in-memory test server, real SQLite file and file
/// store): bearer-token validation, scopes and record access, the profile read, the IPS build, the access-log write and
/// the JSON. The patient has 100 files and a full profile (50 allergies, 50 conditions, 50 medications, 5 contacts).
/// Also the builder and serializer alone. Target (issue 12): ≤ 20 ms p50 (the Median column).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class PatientSummaryBenchmarks
{
    private const string Password = "Correct-Horse-Battery-42";
    private string _folder = "";
    private WebApplicationFactory<Program> _factory = null!;
    private HttpClient _client = null!;
    private Guid _patientId;
    private EmergencyProfileDto _profile = null!;
    private static readonly JsonSerializerOptions FhirJson = new JsonSerializerOptions().ForFhir();

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "medivault-bench-" + Guid.NewGuid().ToString("N"));
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Benchmark");
            builder.UseSolutionRelativeContentRoot("src/WebApi");
            builder.UseSetting("MediVault:DataDirectory", _folder);
            builder.UseSetting("MediVault:RateLimits:AuthPerMinute", "0");
            builder.UseSetting("MediVault:SeedSampleData", "false");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
        });
        _client = _factory.CreateClient();
        ArrangeAsync().GetAwaiter().GetResult();
    }

    private async Task ArrangeAsync()
    {
        var email = $"bench-{Guid.NewGuid():N}@example.com";
        (await _client.PostAsJsonAsync("/api/auth/register", new { email, password = Password, fullName = "Bench Patient", accountType = "patient" }))
            .EnsureSuccessStatusCode();
        var login = await (await _client.PostAsJsonAsync("/api/auth/login", new { email, password = Password })).Content.ReadFromJsonAsync<JsonElement>();
        _patientId = login.GetProperty("user").GetProperty("id").GetGuid();
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("accessToken").GetString());

        var profile = new
        {
            dateOfBirth = "1980-01-31",
            bloodType = "AB-",
            allergies = Enumerable.Range(0, EmergencyProfile.MaxItemsPerList).Select(i => new { substance = $"Substance {i}", reaction = "Hives and swelling", severity = "moderate" }),
            conditions = Enumerable.Range(0, EmergencyProfile.MaxItemsPerList).Select(i => new { name = $"Condition {i}", notes = "Under control with medication" }),
            medications = Enumerable.Range(0, EmergencyProfile.MaxItemsPerList).Select(i => new { name = $"Medicine {i}", dosage = "10 mg", frequency = "twice daily" }),
            emergencyContacts = Enumerable.Range(0, 5).Select(i => new { name = $"Contact {i}", relationship = "sibling", phone = "+44 20 7946 0958" }),
            organDonor = true,
            medicalNotes = "Carries an inhaler.",
        };
        (await _client.PostAsJsonAsync($"/api/emergency-profile/{_patientId}", profile)).EnsureSuccessStatusCode();
        var pdf = new byte[8192];
        "%PDF-1.7\n"u8.CopyTo(pdf);
        for (var i = 0; i < 100; i++)
        {
            using var form = new MultipartFormDataContent();
            form.Add(new ByteArrayContent(pdf), "file", $"report-{i}.pdf");
            form.Add(new StringContent("lab-report"), "category");
            (await _client.PostAsync("/api/files/upload", form)).EnsureSuccessStatusCode();
        }
        _profile = (await _client.GetFromJsonAsync<EmergencyProfileDto>($"/api/emergency-profile/{_patientId}", WebJson()))!;
    }

    [Benchmark(Description = "GET $summary over HTTP (100 files, full profile)")]
    public async Task<int> SummaryOverHttp()
    {
        using var response = await _client.GetAsync($"/fhir/r4/Patient/{_patientId}/$summary");
        var body = await response.Content.ReadAsByteArrayAsync();
        return response.IsSuccessStatusCode ? body.Length : throw new InvalidOperationException($"$summary answered {(int)response.StatusCode}.");
    }

    [Benchmark(Description = "IpsBuilder.Build + JSON (full profile)")]
    public int BuildAndSerialize()
    {
        var bundle = IpsBuilder.Build(new IpsRequest(new PatientFacts(_patientId, "Bench Patient", null, _profile), Guid.NewGuid(), DateTime.UtcNow));
        return JsonSerializer.SerializeToUtf8Bytes(bundle, FhirJson).Length;
    }

    /// <summary>
    /// Wall-clock p50 and the process's CPU time per request over <paramref name="requests"/> sequential $summary calls:
    /// on a shared machine the CPU time shows the cost of a request even when the wall clock is dominated by waiting for a core.
    /// </summary>
    public static void MeasureCpu(int requests)
    {
        var bench = new PatientSummaryBenchmarks();
        bench.Setup();
        try
        {
            for (var i = 0; i < 20; i++)
                bench.SummaryOverHttp().GetAwaiter().GetResult();
            var process = System.Diagnostics.Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var wall = new List<double>(requests);
            for (var i = 0; i < requests; i++)
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                bench.SummaryOverHttp().GetAwaiter().GetResult();
                wall.Add(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            process.Refresh();
            var cpu = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / requests;
            wall.Sort();
            Console.WriteLine(System.FormattableString.Invariant(
                $"$summary x{requests}: wall p50 {wall[requests / 2]:F2} ms, p90 {wall[requests * 9 / 10]:F2} ms; CPU {cpu:F2} ms per request"));
        }
        finally
        {
            bench.Cleanup();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _factory.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static JsonSerializerOptions WebJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        return options;
    }
}
