using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MediVault.Application.Sharing.SmartHealthLinks;

namespace MediVault.IntegrationTests.Infrastructure;

/// <summary>Requests and answers of SMART Health Links (issue 17): creating, listing, revoking, and what a viewer does.</summary>
public static class ShlRequests
{
    public static Task<HttpResponseMessage> PostShl(this Session patient, object request) =>
        patient.Client.PostAsJsonAsync("/api/shl", request);

    /// <summary>Creates a link and asserts the 201.</summary>
    public static async Task<ShlCreatedAnswer> CreateShl(this Session patient, object? request = null) =>
        await (await patient.PostShl(request ?? new { label = "For the ER", include = new { emergencySummary = true } }))
            .ReadAs<ShlCreatedAnswer>(HttpStatusCode.Created);

    public static async Task<List<ShlSummaryAnswer>> ListShl(this Session patient) =>
        await (await patient.Client.GetAsync("/api/shl")).ReadAs<List<ShlSummaryAnswer>>();

    /// <summary>The manifest request a viewer sends to the payload's url.</summary>
    public static Task<HttpResponseMessage> RequestManifest(
        this HttpClient client, ShlPayload payload, string recipient = "Dr. Ada Lovelace", string? passcode = null, int? embeddedLengthMax = null) =>
        client.PostAsJsonAsync(PathOf(payload.Url), new { recipient, passcode, embeddedLengthMax });

    /// <summary>Requests the manifest and asserts the 200.</summary>
    public static async Task<ShlManifestAnswer> Manifest(this HttpClient client, ShlPayload payload, string recipient = "Dr. Ada Lovelace", string? passcode = null, int? embeddedLengthMax = null) =>
        await (await client.RequestManifest(payload, recipient, passcode, embeddedLengthMax)).ReadAs<ShlManifestAnswer>();

    /// <summary>The path and query of an absolute URL on the app, for the test client.</summary>
    public static string PathOf(string url) => new Uri(url).PathAndQuery;

    /// <summary>Decrypts a JWE with the payload's key, as a viewer does.</summary>
    public static JweContent Decrypt(this ShlPayload payload, string jwe) => Jwe.Decrypt(Base64Url.DecodeFromChars(payload.Key), jwe);

    /// <summary>Decrypts and parses a JWE of FHIR JSON.</summary>
    public static JsonElement DecryptJson(this ShlPayload payload, string jwe)
    {
        var content = payload.Decrypt(jwe);
        content.ContentType.Should().Be("application/fhir+json");
        return JsonDocument.Parse(content.Plaintext).RootElement.Clone();
    }

    /// <summary>All text of a JSON element, for "does it mention X" checks.</summary>
    public static string Text(this JsonElement element) => Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(element));
}

public sealed record ShlCreatedAnswer(Guid Id, string Shlink, string ViewerUrl, string QrCodePng, string QrCodeSvg, DateTime ExpiresAt, string Flag)
{
    public ShlPayload Payload => ShlPayload.Parse(Shlink);
}

public sealed record ShlIncludesAnswer(bool EmergencySummary, List<Guid> FileIds);

public sealed record ShlSummaryAnswer(
    Guid Id, string? Label, string Flag, string Status, DateTime CreatedAt, DateTime ExpiresAt, DateTime? RevokedAt, int OpenCount,
    DateTime? LastOpenedAt, string? LastOpenedBy, int? RemainingAttempts, ShlIncludesAnswer Includes);

public sealed record ShlManifestFileAnswer(string ContentType, string? Embedded, string? Location, DateTime? LastUpdated, string? Status, string? FhirVersion);

public sealed record ShlManifestAnswer(List<ShlManifestFileAnswer> Files);

public sealed record RemainingAttemptsAnswer(int Status, int RemainingAttempts);
