using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Configuration;
using MediVault.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MediVault.Infrastructure.Storage;

public static class StorageServices
{
    /// <summary>The encrypted file store, its master key, and the start-up sweep of orphaned blobs.</summary>
    public static IServiceCollection AddFileStorage(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<MediVaultOptions>, MasterKeyOptionValidator>();
        services.AddSingleton<MasterKey>();
        services.AddSingleton<EncryptedFileStore>();
        services.AddSingleton<IFileStore>(sp => sp.GetRequiredService<EncryptedFileStore>());
        services.AddScoped<IStartupStep, StorageStartupStep>();
        return services;
    }

    private sealed class MasterKeyOptionValidator : IValidateOptions<MediVaultOptions>
    {
        public ValidateOptionsResult Validate(string? name, MediVaultOptions options) =>
            options.MasterKey is { Length: > 0 } key && MasterKey.Parse(key) is null
                ? ValidateOptionsResult.Fail("MediVault:MasterKey must be the base64 of 32 bytes.")
                : ValidateOptionsResult.Success;
    }
}
