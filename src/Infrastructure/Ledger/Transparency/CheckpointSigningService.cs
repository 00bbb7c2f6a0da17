using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MediVault.Infrastructure.Ledger.Transparency;

/// <summary>Signs a new checkpoint whenever the log has grown, at most once per MediVault:Ledger:CheckpointIntervalMs.</summary>
internal sealed partial class CheckpointSigningService(
    CheckpointLog checkpoints, IHostApplicationLifetime lifetime, ILogger<CheckpointSigningService> logger)
    : BackgroundService
{
    private static readonly TimeSpan Shortest = TimeSpan.FromMilliseconds(50);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The database is created and migrated by another hosted service as it starts; signing before that failed on
        // every first start with "no such table". Wait until every hosted service has started.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            try
            {
                await started.Task.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // The app never started (another hosted service failed): the host disposes this service without
                // stopping it, and would log the cancellation as this service's failure.
                return;
            }
        }

        var period = checkpoints.Interval > Shortest ? checkpoints.Interval : Shortest;
        using var timer = new PeriodicTimer(period);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await checkpoints.SignIfGrownAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogSigningFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not sign a ledger checkpoint; the next tick tries again.")]
    private static partial void LogSigningFailed(ILogger logger, Exception exception);
}
