using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using MediVault.IntegrationTests.Infrastructure;

namespace MediVault.IntegrationTests;

/// <summary>
/// The data directory on a small tmpfs of its own (the tests run as root): filling it answers 503 problems, corrupts
/// nothing, and writes work again once the filesystem is given more room.
/// </summary>
[Trait("Category", TestConfiguration.EmbeddedOnly)] // a full tmpfs under the SQLite file
public sealed class FullDiskTests : IAsyncLifetime
{
    private readonly string _mount = Path.Combine(Path.GetTempPath(), "medivault-tests", "tmpfs-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_mount);
        var (exit, output) = await Run("mount", "-t", "tmpfs", "-o", "size=6m,mode=0700", "tmpfs", _mount);
        exit.Should().Be(0, "the full-disk test mounts a tmpfs and needs root with CAP_SYS_ADMIN: " + output);
    }

    [Fact]
    public async Task Upload_OnAFullDisk_Returns503AndResumesWhenSpaceReturns()
    {
        var data = Path.Combine(_mount, "data");
        await using var app = MediVaultFactory.OnDataDirectory(data);
        var patient = await new Api(app).RegisterPatient();
        var keptBytes = SampleFiles.Pdf(100_000);
        var kept = await patient.Upload(keptBytes, "kept.pdf");

        HttpResponseMessage full;
        var uploads = 0;
        do
        {
            full = await patient.PostUpload(SampleFiles.Pdf(1_500_000 + uploads), $"filler-{uploads}.pdf");
            uploads++;
        }
        while (full.StatusCode == HttpStatusCode.Created && uploads < 20);
        var profile = await patient.Client.PostAsJsonAsync($"/api/emergency-profile/{patient.Id}", EmergencyRequests.SampleProfile());

        var problem = await full.ShouldBeProblem(HttpStatusCode.ServiceUnavailable);
        problem.Detail.Should().Contain("Nothing was saved");
        full.Headers.RetryAfter.Should().NotBeNull();
        profile.StatusCode.Should().BeOneOf(HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable);
        (await patient.Client.GetByteArrayAsync($"/api/files/download/{kept.Id}")).Should().Equal(keptBytes);

        (await Run("mount", "-o", "remount,size=64m", _mount)).ExitCode.Should().Be(0);
        var again = await patient.PostUpload(SampleFiles.Pdf(1_500_000), "after.pdf");

        again.StatusCode.Should().Be(HttpStatusCode.Created);
        (await (await patient.Client.GetAsync("/api/ledger/verify")).ReadAs<LedgerVerificationAnswer>()).Valid.Should().BeTrue();
        await app.ShouldBeConsistent();
    }

    public async Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await Run("umount", "-l", _mount);
        MediVaultFactory.TryDelete(_mount);
    }

    private static async Task<(int ExitCode, string Output)> Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = await process.StandardError.ReadToEndAsync() + await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }
}
