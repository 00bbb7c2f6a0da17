using System.Runtime.CompilerServices;
using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Configuration;
using MediVault.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MediVault.Infrastructure.Storage;

public static class StorageServices
{
    /// <summary>
    /// The encrypted file store over its blob backend (<c>MediVault:Storage:Provider</c>), its master key, the start-up
    /// sweep of orphaned blobs, and the per-patient keys that seal medical text in the database (with the one-off step
    /// that seals text stored before issue 14).
    /// </summary>
    public static IServiceCollection AddFileStorage(this IServiceCollection services)
    {
        services.AddSingleton<MasterKey>();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.AddSingleton<IBlobBackend>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return options.UsesS3
                ? S3Backend(options.S3)
                : new FileSystemBlobBackend(sp.GetRequiredService<DataDirectory>());
        });
        services.AddSingleton(sp => new EncryptedFileStore(
            sp.GetRequiredService<IBlobBackend>(), sp.GetRequiredService<MasterKey>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<EncryptedFileStore>>()));
        services.AddSingleton<IFileStore>(sp => sp.GetRequiredService<EncryptedFileStore>());
        services.AddSingleton(sp => new BlobStoreHealth(sp.GetRequiredService<IBlobBackend>()));
        services.AddScoped<IStartupStep, StorageStartupStep>();
        services.AddSingleton<PatientKeyRing>();
        services.AddScoped<IPatientDataKeys, PatientDataKeys>();
        services.AddScoped<IStartupStep, PlaintextSealingStep>();
        return services;
    }

    /// <summary>A method of its own, so that compiling the factory above does not load the AWS SDK when the file
    /// store is configured (decisions §155).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static S3BlobBackend S3Backend(StorageOptions.S3Options options) => new(S3Client.Create(options), options);
}
