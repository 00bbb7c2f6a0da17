using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace MediVault.IntegrationTests.Infrastructure;

/// <summary>
/// The real program (<c>dotnet MediVault.WebApi.dll</c>) as a process of its own on a free loopback port, over a data
/// directory the test owns: to kill it with SIGKILL, or to read its memory use from /proc.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines;

    private ServerProcess(Process process, Uri address, List<string> lines)
    {
        _process = process;
        Address = address;
        _lines = lines;
    }

    /// <summary>What the app has printed so far, stdout and stderr, line by line.</summary>
    public IReadOnlyList<string> Output()
    {
        lock (_lines)
            return [.. _lines];
    }

    public Uri Address { get; }
    public int Id => _process.Id;
    public Api Api => new(Address);

    /// <summary>Starts the app and waits until it listens. <paramref name="settings"/> are <c>Key=Value</c> pairs.</summary>
    public static async Task<ServerProcess> StartAsync(string dataDirectory, params string[] settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(WebApiDll);
        foreach (var argument in Arguments(dataDirectory, settings))
            start.ArgumentList.Add(argument);

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lines = new List<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (lines)
                lines.Add(e.Data);
            if (ListeningOn().Match(e.Data) is { Success: true } match)
                listening.TrySetResult(new Uri(match.Value));
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                lock (lines)
                    lines.Add(e.Data);
        };
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("The app exited: " + string.Join('\n', lines)));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            var address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(180)); // start-up on a loaded CI machine
            return new ServerProcess(process, address, lines);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>The program's arguments: a dynamic loopback port, the data directory, no rate limits, and the settings.</summary>
    public static IEnumerable<string> Arguments(string dataDirectory, params string[] settings) =>
        new[]
        {
            "--urls", "http://127.0.0.1:0", "--environment", "Testing",
            $"--MediVault:DataDirectory={dataDirectory}",
            "--MediVault:RateLimits:AuthPerMinute=0", "--MediVault:RateLimits:QrAccessPerMinute=0",
            "--MediVault:SeedSampleData=false", "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
        }.Concat(TestConfiguration.SettingsFor(dataDirectory).Select(s => $"--{s.Key}={s.Value}"))
        .Concat(settings.Select(s => "--" + s));

    /// <summary>Runs a verb of the executable (backup, restore) to its end: exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunVerbAsync(IDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(WebApiDll);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        return (process.ExitCode, await stdout + await stderr);
    }

    public static string WebApiDll => Path.Combine(AppContext.BaseDirectory, "MediVault.WebApi.dll");

    /// <summary>SIGKILL: no shutdown, no flush, no finally block runs in the app.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited)
            return;
        _process.Kill(); // SIGKILL on Unix
        await _process.WaitForExitAsync();
    }

    /// <summary>The peak resident set size (VmHWM) in bytes.</summary>
    public long PeakResidentBytes() => StatusField("VmHWM");

    public long ResidentBytes() => StatusField("VmRSS");

    /// <summary>Resets VmHWM to the current RSS (Linux ≥ 4.0, writing 5 to clear_refs); false where that is not allowed.</summary>
    public bool TryResetPeakResident()
    {
        try
        {
            File.WriteAllText($"/proc/{Id}/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private long StatusField(string name)
    {
        var line = File.ReadLines($"/proc/{Id}/status").Single(l => l.StartsWith(name + ":", StringComparison.Ordinal));
        return long.Parse(line[(name.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex ListeningOn();
}
