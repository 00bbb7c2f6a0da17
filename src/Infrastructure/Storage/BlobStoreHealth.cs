namespace MediVault.Infrastructure.Storage;

/// <summary>The health probe's view of the blob backend: can it be written and read right now?</summary>
public sealed class BlobStoreHealth
{
    private readonly IBlobBackend _backend;

    internal BlobStoreHealth(IBlobBackend backend) => _backend = backend;

    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _backend.IsHealthyAsync(cancellationToken);
        }
        catch (MediVault.Application.Common.Abstractions.BlobStoreUnavailableException)
        {
            return false;
        }
    }
}
