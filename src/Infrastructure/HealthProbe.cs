using MediVault.Infrastructure.Persistence;
using MediVault.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Infrastructure;

/// <summary>Checks the two things the app cannot work without: the database and the file store.</summary>
public sealed class HealthProbe(AppDbContext db, BlobStoreHealth blobs)
{
    public async Task<bool> DatabaseIsHealthyAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await db.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\"").SingleAsync(cancellationToken) == 1;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Writes, reads back and removes a probe where the blobs live (or asks the bucket whether it can be used).</summary>
    public Task<bool> StorageIsHealthyAsync(CancellationToken cancellationToken) => blobs.IsHealthyAsync(cancellationToken);
}
