using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace MediVault.Benchmarks;

/// <summary>Not named Program: the benchmarks reference the WebApi, whose entry point is the global Program.</summary>
public static class BenchmarkEntry
{
    public static void Main(string[] args)
    {
        if (args is ["summary-cpu", ..])
        {
            PatientSummaryBenchmarks.MeasureCpu(requests: 200);
            return;
        }
        // A short in-process job: the figures in docs/performance.md come from this configuration.
        var config = DefaultConfig.Instance
            .AddJob(Job.ShortRun.WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(30), logOutput: true)))
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkEntry).Assembly).Run(args, config);
    }
}
