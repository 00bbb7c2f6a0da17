using MediVault.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace MediVault.Infrastructure.Storage;

/// <summary>
/// At start-up, before any request: loads (or creates) the master key so a bad one stops the app at once, then sweeps
/// what a crash can leave behind in the blob backend: staged writes of unfinished uploads, and blobs no live file row
/// points to (published but never committed, or left by a delete that stopped before removing its blob). Where other
/// instances share the backend, only leftovers older than its <see cref="IBlobBackend.SweepGrace"/> are touched.
/// </summary>
internal sealed partial class StorageStartupStep(
    AppDbContext db, MasterKey masterKey, EncryptedFileStore store, TimeProvider clock, ILogger<StorageStartupStep> logger) : IStartupStep
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(masterKey);
        var backend = store.Backend;
        var cutoff = backend.SweepGrace == TimeSpan.Zero ? DateTimeOffset.MaxValue : clock.GetUtcNow() - backend.SweepGrace;
        var staged = await backend.SweepStagedAsync(cutoff, cancellationToken);
        if (staged is null)
            LogCannotListStaged(logger);
        var removed = staged ?? 0;

        var live = (await db.MedicalFiles.AsNoTracking().Where(f => f.DeletedAt == null).Select(f => f.StorageKey)
            .ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var orphans = new List<string>();
        await foreach (var blob in backend.ListAsync(cancellationToken))
        {
            if (!live.Contains(blob.StorageKey) && blob.LastModified < cutoff)
                orphans.Add(blob.StorageKey);
        }
        foreach (var orphan in orphans)
            await backend.DeleteAsync(orphan, cancellationToken);
        removed += orphans.Count;

        if (removed > 0)
            LogSwept(logger, removed);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removed {Count} orphaned blob(s) or staged upload(s) left by an interrupted upload or delete")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The blob store cannot list unfinished uploads; a bucket lifecycle rule must remove them (docs/deployment.md)")]
    private static partial void LogCannotListStaged(ILogger logger);
}
