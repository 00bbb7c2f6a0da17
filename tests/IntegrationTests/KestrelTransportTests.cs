using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using MediVault.IntegrationTests.Infrastructure;
using MediVault.WebApi.Infrastructure;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Person = MediVault.IntegrationTests.Browser.Person;
using SeedApi = MediVault.IntegrationTests.Browser.SeedApi;

namespace MediVault.IntegrationTests;

/// <summary>
/// Uploads and downloads over a real socket: Kestrel receives into <see cref="LargeBlockMemoryPoolFactory"/>'s 64 KiB
/// blocks, so bodies arrive in segments that do not line up with the multipart boundaries or the 64 KiB chunks.
/// (The in-memory test server the other tests use has no transport.)
/// </summary>
public sealed class KestrelTransportTests : IAsyncLifetime, IDisposable
{
    private readonly KestrelFactory factory = new();
    private SeedApi? seed;

    public Task InitializeAsync()
    {
        factory.Settings["MediVault:Files:MaxUploadBytes"] = (32 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
        seed = new SeedApi(factory.StartOnLoopback());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    public void Dispose()
    {
        seed?.Dispose();
        factory.Dispose();
    }

    [Fact]
    public void App_RegistersItsPoolAfterKestrels()
    {
        // The plain app, as `dotnet run` builds it: Program registers the pool after CreateBuilder registered Kestrel's.
        using var app = new MediVaultFactory();

        var pools = app.Services.GetRequiredService<IMemoryPoolFactory<byte>>();

        pools.Should().BeOfType<LargeBlockMemoryPoolFactory>();
        using var block = pools.Create(new MemoryPoolOptions()).Rent(4096);
        block.Memory.Length.Should().Be(64 * 1024);
    }

    [Fact]
    public void Server_ReceivesIntoTheAppsPool() =>
        factory.Services.GetRequiredService<IMemoryPoolFactory<byte>>().Should().BeOfType<LargeBlockMemoryPoolFactory>();

    [Fact]
    public async Task Upload_SeveralMegabytesOverASocket_RoundTripsByteForByte()
    {
        var patient = await seed!.RegisterPatient("Kestrel Patient");
        var content = SampleFiles.Pdf(12 * 1024 * 1024 + 12345);

        var uploaded = await Upload(patient, content, "scan.pdf");

        uploaded.Sha256.Should().Be(Convert.ToHexStringLower(SHA256.HashData(content)));
        uploaded.SizeBytes.Should().Be(content.Length);
        var download = await patient.Client.GetAsync($"/api/files/download/{uploaded.Id}");
        download.StatusCode.Should().Be(HttpStatusCode.OK);
        (await download.Content.ReadAsByteArrayAsync()).Should().Equal(content);
    }

    [Fact]
    public async Task Download_RangeAcrossABlockBoundaryOverASocket_ReturnsExactlyThoseBytes()
    {
        var patient = await seed!.RegisterPatient("Range Patient");
        var content = SampleFiles.Pdf(300 * 1024);
        var uploaded = await Upload(patient, content, "range.pdf");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/files/download/{uploaded.Id}");
        request.Headers.Range = new RangeHeaderValue(65_000, 200_000);

        var response = await patient.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.PartialContent);
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(content[65_000..200_001]);
    }

    [Fact]
    public async Task Uploads_ConcurrentOverSeparateConnections_KeepEachBodyApart()
    {
        var patient = await seed!.RegisterPatient("Concurrent Patient");
        var contents = Enumerable.Range(0, 6).Select(i => SampleFiles.Pdf(1024 * 1024 + i * 70_001)).ToArray();

        // One client per upload: separate connections, so the server receives the bodies side by side.
        var uploads = await Task.WhenAll(contents.Select(async (content, i) =>
        {
            using var client = new HttpClient { BaseAddress = patient.Client.BaseAddress };
            client.DefaultRequestHeaders.Authorization = patient.Client.DefaultRequestHeaders.Authorization;
            return await Upload(patient with { Client = client }, content, $"part-{i}.pdf");
        }));

        for (var i = 0; i < contents.Length; i++)
        {
            uploads[i].Sha256.Should().Be(Convert.ToHexStringLower(SHA256.HashData(contents[i])), $"upload {i}");
            (await patient.Client.GetByteArrayAsync($"/api/files/download/{uploads[i].Id}")).Should().Equal(contents[i]);
        }
    }

    [Fact]
    public async Task Requests_ManyOnOneKeptAliveConnection_AllParse()
    {
        var patient = await seed!.RegisterPatient("Keep Alive Patient");
        await Upload(patient, SampleFiles.Pdf(10_000), "one.pdf");

        // Small requests one after another on the same connection share the leftovers of each 64 KiB block.
        for (var i = 0; i < 40; i++)
        {
            var response = await patient.Client.GetAsync($"/api/files/{patient.Id}?page=1&pageSize=10");
            var page = await response.ReadAs<FilePage>();
            page.TotalCount.Should().Be(1, $"request {i}");
        }
    }

    private static async Task<FileAnswer> Upload(Person patient, byte[] content, string fileName)
    {
        using var form = FileUploads.Form(content, fileName, ("category", "imaging"));
        var response = await patient.Client.PostAsync("/api/files/upload", form);
        return await response.ReadAs<FileAnswer>(HttpStatusCode.Created);
    }

    /// <summary>
    /// WebApplicationFactory.UseKestrel registers Kestrel's services once more, after the app's; this puts the app's
    /// pool back on top, the order Program has when the app runs on its own.
    /// </summary>
    private sealed class KestrelFactory : MediVaultFactory
    {
        protected override IHost CreateHost(IHostBuilder builder)
        {
            builder.ConfigureServices(services => services.AddSingleton<IMemoryPoolFactory<byte>, LargeBlockMemoryPoolFactory>());
            return base.CreateHost(builder);
        }
    }
}
