using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.Infrastructure.Storage;

public static class StorageServices
{
    /// <summary>The encrypted file store, its master key, and the start-up sweep of orphaned blobs.</summary>
    public static IServiceCollection AddFileStorage(this IServiceCollection services)
    {
        services.AddSingleton<MasterKey>();
        services.AddSingleton<EncryptedFileStore>();
        services.AddSingleton<IFileStore>(sp => sp.GetRequiredService<EncryptedFileStore>());
        services.AddScoped<IStartupStep, StorageStartupStep>();
        return services;
    }
}
