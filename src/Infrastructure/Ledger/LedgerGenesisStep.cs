using MediVault.Infrastructure.Persistence;

namespace MediVault.Infrastructure.Ledger;

/// <summary>Writes block 0 into an empty ledger before the app takes requests.</summary>
internal sealed class LedgerGenesisStep(HashChainLedger ledger) : IStartupStep
{
    public Task RunAsync(CancellationToken cancellationToken) => ledger.EnsureGenesisAsync(cancellationToken);
}
