using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using MediVault.IntegrationTests.Infrastructure;

namespace MediVault.IntegrationTests;

/// <summary>
/// The real server process killed with SIGKILL while requests are under way, then started again on its data
/// directory: nothing is orphaned, the ledger verifies, and no change is half made (VaultInvariants).
/// </summary>
[Trait("Category", TestConfiguration.EmbeddedOnly)] // kill -9 the process, then count the files in blobs/ and the SQLite WAL state
public sealed class CrashTests : IDisposable
{
    private readonly string _directory = MediVaultFactory.NewDataDirectoryPath();

    [Fact]
    public async Task Kill_MidUpload_LeavesNoOrphanAfterRestart()
    {
        await using (var server = await ServerProcess.StartAsync(_directory))
        {
            var patient = await server.Api.RegisterPatient();
            await patient.Upload(SampleFiles.Pdf(10_000), "before.pdf");
            var slow = Enumerable.Range(0, 3).Select(_ => Swallow(patient.Client.PostAsync("/api/files/upload", SlowUpload(8 << 20)))).ToList();
            var quick = Enumerable.Range(0, 10).Select(i => Swallow(patient.PostUpload(SampleFiles.Pdf(20_000), $"quick-{i}.pdf"))).ToList();
            // A quick upload's staged file can be committed away between listing it and reading its length: FileInfo reads
            // both from one stat, so a file gone by then is not "staged with bytes" rather than an exception.
            await WaitUntil(() => Directory.Exists(Staging) && Directory.EnumerateFiles(Staging).Select(f => new FileInfo(f)).Any(f => f.Exists && f.Length > 0));

            await server.KillAsync();
            await Task.WhenAll(slow.Concat(quick));
        }

        await using var restarted = MediVaultFactory.OnDataDirectory(_directory);
        await restarted.ShouldBeConsistent();
    }

    [Fact]
    public async Task Kill_MidDelete_LeavesEachFileWholeOrGone()
    {
        await using (var server = await ServerProcess.StartAsync(_directory))
        {
            var patient = await server.Api.RegisterPatient();
            var files = new List<FileAnswer>();
            for (var i = 0; i < 8; i++)
                files.Add(await patient.Upload(SampleFiles.Pdf(30_000 + i), $"f{i}.pdf"));

            var deletes = files.Select(f => Swallow(patient.Client.DeleteAsync($"/api/files/{f.Id}"))).ToList();
            await Task.WhenAny(deletes);
            await server.KillAsync();
            await Task.WhenAll(deletes);
        }

        await using var restarted = MediVaultFactory.OnDataDirectory(_directory);
        await restarted.ShouldBeConsistent();
    }

    [Fact]
    public async Task Kill_MidQrAccess_KeepsEachAccessWithItsLogLineAndBlock()
    {
        await using (var server = await ServerProcess.StartAsync(_directory))
        {
            var patient = await server.Api.RegisterPatient();
            await patient.SaveProfile();
            var code = await patient.GenerateQr(new { maxUses = 100 });
            using var responder = server.Api.Anonymous();

            var accesses = Enumerable.Range(0, 30).Select(_ => Swallow(responder.GetAsync($"/api/qr/access/{code.Token}"))).ToList();
            await Task.WhenAny(accesses);
            await server.KillAsync();
            await Task.WhenAll(accesses);
        }

        await using var restarted = MediVaultFactory.OnDataDirectory(_directory);
        await restarted.ShouldBeConsistent();
    }

    [Fact]
    public async Task Kill_MidGrant_KeepsEachGrantWithItsBlock()
    {
        await using (var server = await ServerProcess.StartAsync(_directory))
        {
            var patient = await server.Api.RegisterPatient();
            var doctors = new List<Session>();
            for (var i = 0; i < 6; i++)
                doctors.Add(await server.Api.RegisterDoctor());

            var grants = doctors.Select(d => Swallow(patient.Client.PostAsJsonAsync("/api/access-grants", new { doctorEmail = d.Email }))).ToList();
            await Task.WhenAny(grants);
            await server.KillAsync();
            await Task.WhenAll(grants);
        }

        await using var restarted = MediVaultFactory.OnDataDirectory(_directory);
        await restarted.ShouldBeConsistent();
    }

    private string Staging => Path.Combine(_directory, "blobs", ".staging");

    /// <summary>A PDF sent at about 8 MB/s, so it is still arriving when the server dies.</summary>
    private static MultipartFormDataContent SlowUpload(long length)
    {
        var part = new StreamContent(new ThrottledStream(new GeneratedStream(length)));
        part.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        return new MultipartFormDataContent { { part, "file", "slow.pdf" } };
    }

    /// <summary>The request's fate does not matter once the server is killed: only what is on disk does.</summary>
    private static async Task Swallow(Task<HttpResponseMessage> request)
    {
        try
        {
            using var response = await request;
            response.StatusCode.Should().NotBe(HttpStatusCode.InternalServerError);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            // The connection died with the server.
        }
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
            await Task.Delay(20, timeout.Token);
    }

    public void Dispose() => MediVaultFactory.TryDelete(_directory);

    private sealed class ThrottledStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(8, cancellationToken);
            return await inner.ReadAsync(buffer[..Math.Min(buffer.Length, 64 * 1024)], cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
