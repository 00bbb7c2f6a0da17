using MediVault.Infrastructure.Configuration;
using MediVault.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace MediVault.Infrastructure.Storage;

/// <summary>
/// At start-up, before any request: loads (or creates) the master key so a bad one stops the app at once, then sweeps
/// what a crash can leave behind: staging files of unfinished uploads, and blobs no live file row points to
/// (renamed into place but never committed, or left by a delete that stopped before removing its blob).
/// </summary>
internal sealed partial class StorageStartupStep(
    AppDbContext db, DataDirectory data, MasterKey masterKey, EncryptedFileStore store, ILogger<StorageStartupStep> logger) : IStartupStep
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(masterKey);
        var removed = 0;
        if (Directory.Exists(store.StagingPath))
        {
            foreach (var staged in Directory.EnumerateFiles(store.StagingPath))
            {
                File.Delete(staged);
                removed++;
            }
        }

        var live = (await db.MedicalFiles.AsNoTracking().Where(f => f.DeletedAt == null).Select(f => f.StorageKey)
            .ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        foreach (var folder in Directory.EnumerateDirectories(data.BlobsPath))
        {
            if (Path.GetFileName(folder) == EncryptedFileStore.StagingFolder)
                continue;
            foreach (var blob in Directory.EnumerateFiles(folder))
            {
                if (live.Contains(Path.GetFileName(blob)))
                    continue;
                File.Delete(blob);
                removed++;
            }
        }

        if (removed > 0)
            LogSwept(logger, removed);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removed {Count} orphaned blob file(s) left by an interrupted upload or delete")]
    private static partial void LogSwept(ILogger logger, int count);
}
