using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.S3;
using Amazon.S3.Model;
using MediVault.Infrastructure.Storage;

namespace MediVault.IntegrationTests.Infrastructure;

/// <summary>
/// A real S3-compatible server for the tests: the one <c>.ci/run</c> started (<c>MEDIVAULT_TEST_S3</c> = its URL), or
/// else an <c>s3rver</c> (npm, 3.7.1) this process starts once on a free loopback port over a temp folder. Each caller
/// gets a fresh bucket. s3rver checks no signatures, so the keys below prove nothing about authentication.
/// </summary>
public static class S3TestServer
{
    public const string Variable = "MEDIVAULT_TEST_S3";
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";
    private static readonly Lazy<Task<string>> Url = new(LocateAsync);

    /// <summary>The service URL, starting s3rver when no server was given.</summary>
    public static Task<string> ServiceUrlAsync() => Url.Value;

    /// <summary>The app's settings for the s3 provider over a new, empty bucket (sweeps without a grace period, as in one test).</summary>
    public static async Task<Dictionary<string, string?>> FreshBucketSettingsAsync(TimeSpan? sweepAfter = null)
    {
        var options = await FreshBucketAsync(sweepAfter);
        return new Dictionary<string, string?>
        {
            ["MediVault:Storage:Provider"] = "s3",
            ["MediVault:Storage:S3:ServiceUrl"] = options.ServiceUrl,
            ["MediVault:Storage:S3:Bucket"] = options.Bucket,
            ["MediVault:Storage:S3:Region"] = options.Region,
            ["MediVault:Storage:S3:AccessKey"] = options.AccessKey,
            ["MediVault:Storage:S3:SecretKey"] = options.SecretKey,
            ["MediVault:Storage:S3:ForcePathStyle"] = "true",
            ["MediVault:Storage:S3:SweepAfter"] = options.SweepAfter.ToString("c"),
        };
    }

    /// <summary>Options for a new, empty bucket.</summary>
    public static async Task<StorageOptions.S3Options> FreshBucketAsync(TimeSpan? sweepAfter = null)
    {
        var options = new StorageOptions.S3Options
        {
            ServiceUrl = await ServiceUrlAsync(),
            Bucket = "mv-" + Guid.NewGuid().ToString("N"),
            AccessKey = AccessKey,
            SecretKey = SecretKey,
            ForcePathStyle = true,
            SweepAfter = sweepAfter ?? TimeSpan.Zero,
        };
        using var client = S3Client.Create(options);
        await client.PutBucketAsync(new PutBucketRequest { BucketName = options.Bucket });
        return options;
    }

    /// <summary>A client for looking into (or tampering with) a bucket behind the app's back.</summary>
    public static IAmazonS3 Client(StorageOptions.S3Options options) => S3Client.Create(options);

    private static async Task<string> LocateAsync()
    {
        var given = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrEmpty(given))
            return given.TrimEnd('/');

        var folder = TestServerFolders.Create("medivault-s3rver-");
        var port = FreePort();
        // Through a watchdog shell, which stops s3rver and removes its folder within a second of this process being gone.
        // A handler on ProcessExit did that before, but the test host is not always left time to run it to the end: a
        // local `dotnet test` left s3rver running with its folder (115 MB) in /tmp, and once killed the host was stopped
        // half-way through deleting the folder.
        var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            "-c", Watchdog, "s3rver-watchdog", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), folder,
            "-d", folder, "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--silent",
        })
            start.ArgumentList.Add(argument);
        var process = Process.Start(start) ?? throw new InvalidOperationException("sh did not start.");

        var url = $"http://127.0.0.1:{port}";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; attempt < 150; attempt++)
        {
            try
            {
                await http.GetAsync(url);
                return url;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException(
                        $"s3rver exited: {await process.StandardError.ReadToEndAsync()} The S3 tests need s3rver: set {Variable} to a " +
                        "running server's URL, or install it (npm install -g s3rver@3.7.1; .ci/run does).", ex);
                }
                await Task.Delay(200);
            }
        }
        throw new InvalidOperationException("s3rver did not answer within 30 s.");
    }

    /// <summary>
    /// <c>sh -c</c> script: $1 the test host's process id, $2 the folder, the rest s3rver's arguments. Runs s3rver, waits
    /// while both it and the test host live, then stops it, waits for it to end (deleting while s3rver still writes
    /// would leave files behind) and removes the folder.
    /// </summary>
    private const string Watchdog = """
        host=$1; folder=$2; shift 2
        s3rver "$@" & server=$!
        while kill -0 "$host" 2>/dev/null && kill -0 "$server" 2>/dev/null; do sleep 1; done
        kill "$server" 2>/dev/null; wait "$server"; status=$?
        rm -rf "$folder"
        exit "$status"
        """;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
