using MediVault.Application.Emergency;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.Infrastructure.Emergency;

public static class EmergencyServices
{
    /// <summary>QR code rendering for emergency codes.</summary>
    public static IServiceCollection AddEmergencyInfrastructure(this IServiceCollection services)
    {
        services.AddSingleton<IQrCodeRenderer, QrCoderRenderer>();
        return services;
    }
}
