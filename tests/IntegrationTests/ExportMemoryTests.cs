using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using MediVault.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace MediVault.IntegrationTests;

/// <summary>The export streams: a vault holding a 1 GiB file leaves the server's peak memory where it was.</summary>
public sealed class ExportMemoryTests(ITestOutputHelper output)
{
    private const long OneGiB = 1L << 30;

    [Fact]
    public async Task Export_OfAOneGiBFile_KeepsServerMemoryFlat()
    {
        var directory = MediVaultFactory.NewDataDirectoryPath();
        var archivePath = Path.Combine(Path.GetTempPath(), "medivault-tests", Guid.NewGuid().ToString("N") + ".zip");
        try
        {
            await using var server = await ServerProcess.StartAsync(directory, "MediVault:Files:MaxUploadBytes=2147483648");
            var patient = await server.Api.RegisterPatient();
            patient.Client.Timeout = TimeSpan.FromMinutes(3);
            // One export of the still-empty vault first: the one-time costs of the first export in a process (JIT, the
            // FHIR model's metadata for the IPS part, the ledger's receipt path) are not what this test measures, which is
            // whether memory grows with the size of the vault.
            using (var warmUp = await patient.Client.GetExport(await patient.Reauthenticate()))
            {
                warmUp.StatusCode.Should().Be(HttpStatusCode.OK);
                await (await warmUp.Content.ReadAsStreamAsync()).CopyToAsync(Stream.Null);
            }
            using var content = new GeneratedStream(OneGiB);
            using var form = new MultipartFormDataContent();
            var part = new StreamContent(content, 1024 * 1024);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            form.Add(part, "file", "scan.pdf");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            (await patient.Client.PostAsync("/api/files/upload", form)).StatusCode.Should().Be(HttpStatusCode.Created);
            var uploaded = content.Sha256;
            var uploadTime = clock.Elapsed;
            var proof = await patient.Reauthenticate();
            var resetWorked = server.TryResetPeakResident();
            var before = server.PeakResidentBytes();

            using (var response = await patient.Client.GetExport(proof))
            {
                response.StatusCode.Should().Be(HttpStatusCode.OK);
                await using var file = File.Create(archivePath);
                await (await response.Content.ReadAsStreamAsync()).CopyToAsync(file);
            }
            var after = server.PeakResidentBytes();
            var exportTime = clock.Elapsed - uploadTime;

            output.WriteLine($"peak RSS before export {before >> 20} MiB, after {after >> 20} MiB (reset: {resetWorked}); " +
                $"upload {uploadTime.TotalSeconds:0.0} s, export {exportTime.TotalSeconds:0.0} s");
            resetWorked.Should().BeTrue("the test runs as root on Linux, where VmHWM can be reset");
            (after - before).Should().BeLessThan(64L << 20, "the export must not hold the file in memory");
            using var archive = ZipFile.OpenRead(archivePath);
            var entry = archive.GetEntry("files/scan.pdf")!;
            entry.Length.Should().Be(OneGiB);
            await using var exported = entry.Open();
            Convert.ToHexStringLower(await SHA256.HashDataAsync(exported)).Should().Be(uploaded);
        }
        finally
        {
            File.Delete(archivePath);
            MediVaultFactory.TryDelete(directory);
        }
    }
}
