using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MediVault.Infrastructure.Persistence;

/// <summary>Applies the migrations and switches the database to WAL before the app takes requests.</summary>
internal sealed partial class DatabaseInitializer(IServiceProvider services, ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.Database.MigrateAsync(cancellationToken);
        // WAL lets readers go on while one writer commits; the setting is kept in the database file.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
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
