using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.Infrastructure.Storage;

public static class StorageServices
{
    /// <summary>
    /// The encrypted file store, its master key, the start-up sweep of orphaned blobs, and the per-patient keys that seal
    /// medical text in the database (with the one-off step that seals text stored before issue 14).
    /// </summary>
    public static IServiceCollection AddFileStorage(this IServiceCollection services)
    {
        services.AddSingleton<MasterKey>();
        services.AddSingleton<EncryptedFileStore>();
        services.AddSingleton<IFileStore>(sp => sp.GetRequiredService<EncryptedFileStore>());
        services.AddScoped<IStartupStep, StorageStartupStep>();
        services.AddSingleton<PatientKeyRing>();
        services.AddScoped<IPatientDataKeys, PatientDataKeys>();
        services.AddScoped<IStartupStep, PlaintextSealingStep>();
        return services;
    }
}
