using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace MediVault.IntegrationTests.Infrastructure;

/// <summary>Requests of the data-rights endpoints: re-authentication, export, account deletion.</summary>
public static class DataRightsRequests
{
    public const string ProofHeader = "X-Reauthentication";

    public sealed record ProofAnswer(string Proof, DateTime ExpiresAt);

    public static Task<HttpResponseMessage> PostReauthenticate(this HttpClient client, string? password) =>
        client.PostAsJsonAsync("/api/auth/reauthenticate", new { password });

    /// <summary>Confirms the password and returns the proof the export asks for.</summary>
    public static async Task<string> Reauthenticate(this Session session) =>
        (await (await session.Client.PostReauthenticate(session.Password)).ReadAs<ProofAnswer>()).Proof;

    public static Task<HttpResponseMessage> GetExport(this HttpClient client, string? proof)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/export");
        if (proof is not null)
            request.Headers.Add(ProofHeader, proof);
        return client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    /// <summary>Re-authenticates, exports and opens the archive (small vaults only: the test holds it in memory).</summary>
    public static async Task<ZipArchive> Export(this Session session)
    {
        var response = await session.Client.GetExport(await session.Reauthenticate());
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), ZipArchiveMode.Read);
    }

    public static async Task<string> ReadText(this ZipArchive archive, string name)
    {
        var entry = archive.GetEntry(name) ?? throw new InvalidOperationException($"{name} is not in the archive.");
        using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    public static async Task<byte[]> ReadBytes(this ZipArchive archive, string name)
    {
        var entry = archive.GetEntry(name) ?? throw new InvalidOperationException($"{name} is not in the archive.");
        using var buffer = new MemoryStream();
        await using (var content = entry.Open())
            await content.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    public static Task<HttpResponseMessage> DeleteAccount(this HttpClient client, string? password) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/api/auth/me") { Content = JsonContent.Create(new { password }) });

    /// <summary>Every file under <paramref name="directory"/> that contains <paramref name="marker"/> as UTF-8 or UTF-16.</summary>
    public static IReadOnlyList<string> FilesContaining(string directory, string marker)
    {
        var patterns = new[] { Encoding.UTF8.GetBytes(marker), Encoding.Unicode.GetBytes(marker) };
        return Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(path => File.ReadAllBytes(path) is var bytes && patterns.Any(p => bytes.AsSpan().IndexOf(p) >= 0))
            .ToList();
    }
}
