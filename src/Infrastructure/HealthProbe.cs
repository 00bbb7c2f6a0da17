using MediVault.Infrastructure.Configuration;
using MediVault.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Infrastructure;

/// <summary>Checks the two things the app cannot work without: the database and the file store.</summary>
public sealed class HealthProbe(AppDbContext db, DataDirectory data)
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

    /// <summary>Writes, reads back and removes a probe file where the blobs live.</summary>
    public async Task<bool> StorageIsHealthyAsync(CancellationToken cancellationToken)
    {
        var probe = Path.Combine(data.BlobsPath, ".health-" + Guid.NewGuid().ToString("N"));
        try
        {
            await File.WriteAllBytesAsync(probe, [1, 2, 3], cancellationToken);
            var back = await File.ReadAllBytesAsync(probe, cancellationToken);
            return back.Length == 3;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        finally
        {
            try
            {
                File.Delete(probe);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Nothing to clean up when the write itself failed.
            }
        }
    }
}
