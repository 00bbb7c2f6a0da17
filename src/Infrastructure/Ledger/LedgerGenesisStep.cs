using MediVault.Infrastructure.Persistence;

namespace MediVault.Infrastructure.Ledger;

/// <summary>
/// Writes entry 0 into an empty ledger, and gives the entries of a vault that predates the Merkle tree their leaves,
/// before the app takes requests.
/// </summary>
internal sealed class LedgerGenesisStep(HashChainLedger ledger) : IStartupStep
{
    public Task RunAsync(CancellationToken cancellationToken) => ledger.EnsureGenesisAsync(cancellationToken);
}
