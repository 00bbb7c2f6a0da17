using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Configuration;
using MediVault.Infrastructure.Ledger.Transparency;
using MediVault.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MediVault.Infrastructure.Ledger;

public static class LedgerServices
{
    /// <summary>
    /// The ledger over the app database: its group-commit writer, its Merkle tree and signed checkpoints, the start-up
    /// step that writes the genesis entry (and gives a migrated vault's entries their leaves), and the checkpoint signer.
    /// </summary>
    public static IServiceCollection AddLedgerInfrastructure(this IServiceCollection services)
    {
        services.AddSingleton(sp => new LedgerWriter(sp.GetRequiredService<DatabaseProvider>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<MediVaultOptions>>().Value;
            var data = sp.GetRequiredService<DataDirectory>();
            return new CheckpointLog(
                sp.GetRequiredService<DatabaseProvider>(),
                LedgerSigningKey.Load(options, data),
                TimeSpan.FromMilliseconds(options.Ledger.CheckpointIntervalMs),
                sp.GetRequiredService<TimeProvider>());
        });
        services.AddScoped<HashChainLedger>();
        services.AddScoped<ILedger>(sp => sp.GetRequiredService<HashChainLedger>());
        services.AddScoped<ITransparencyLog, TransparencyLog>();
        services.AddScoped<IStartupStep, LedgerGenesisStep>();
        services.AddHostedService<CheckpointSigningService>();
        return services;
    }
}
