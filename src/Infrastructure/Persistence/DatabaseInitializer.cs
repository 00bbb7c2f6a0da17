using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MediVault.Infrastructure.Persistence;

/// <summary>
/// Brings the schema up to date before the app takes requests (SQLite: its migrations, then WAL; PostgreSQL: its own
/// migration set), then runs the start-up steps, all under the engine's start-up lock, so that instances starting
/// together on one database take turns.
/// </summary>
internal sealed partial class DatabaseInitializer(IServiceProvider services, ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var database = scope.ServiceProvider.GetRequiredService<DatabaseProvider>();
        await using var startupLock = await database.HoldStartupLockAsync(db, cancellationToken);
        await database.CreateOrMigrateAsync(db, cancellationToken);
        LogStepTook(logger, "migrations", clock.ElapsedMilliseconds);
        foreach (var step in scope.ServiceProvider.GetServices<IStartupStep>())
        {
            clock.Restart();
            await step.RunAsync(cancellationToken);
            LogStepTook(logger, step.GetType().Name, clock.ElapsedMilliseconds);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Start-up step {Step} took {ElapsedMs} ms")]
    private static partial void LogStepTook(ILogger logger, string step, long elapsedMs);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Work done once at start-up after the database is migrated (seeding, sweeping orphans, …), in registration order.</summary>
public interface IStartupStep
{
    Task RunAsync(CancellationToken cancellationToken);
}
