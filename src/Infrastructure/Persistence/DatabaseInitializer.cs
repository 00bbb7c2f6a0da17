using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MediVault.Infrastructure.Persistence;

/// <summary>
/// Brings the schema up to date before the app takes requests (SQLite: its migrations, then WAL; PostgreSQL: its own
/// migration set, under a lock so instances starting together take turns), then runs the start-up steps.
/// </summary>
internal sealed class DatabaseInitializer(IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await scope.ServiceProvider.GetRequiredService<DatabaseProvider>().CreateOrMigrateAsync(db, cancellationToken);
        foreach (var step in scope.ServiceProvider.GetServices<IStartupStep>())
            await step.RunAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Work done once at start-up after the database is migrated (seeding, sweeping orphans, …), in registration order.</summary>
public interface IStartupStep
{
    Task RunAsync(CancellationToken cancellationToken);
}
