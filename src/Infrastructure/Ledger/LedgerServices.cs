using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.Infrastructure.Ledger;

public static class LedgerServices
{
    /// <summary>The hash-chain ledger over the app database, and the start-up step that writes its genesis block.</summary>
    public static IServiceCollection AddLedgerInfrastructure(this IServiceCollection services)
    {
        services.AddSingleton<LedgerAppendGate>();
        services.AddScoped<HashChainLedger>();
        services.AddScoped<ILedger>(sp => sp.GetRequiredService<HashChainLedger>());
        services.AddScoped<IStartupStep, LedgerGenesisStep>();
        return services;
    }
}
