namespace MediVault.Infrastructure.Ledger;

/// <summary>
/// One per process: lets one ledger append at a time, so two requests never read the same head and fork the chain.
/// The SQLite write lock (BEGIN IMMEDIATE) and the primary key on the index guard the same rule across processes.
/// </summary>
internal sealed class LedgerAppendGate : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);

    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _semaphore.WaitAsync(cancellationToken);
        return new Releaser(_semaphore);
    }

    public void Dispose() => _semaphore.Dispose();

    private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }
}
