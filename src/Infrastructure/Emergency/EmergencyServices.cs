using MediVault.Application.Emergency;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.Infrastructure.Emergency;

public static class EmergencyServices
{
    /// <summary>QR code rendering for emergency codes, and the printable summary.</summary>
    public static IServiceCollection AddEmergencyInfrastructure(this IServiceCollection services)
    {
        services.AddSingleton<IQrCodeRenderer, QrCoderRenderer>();
        services.AddSingleton<ISummaryPdfRenderer, Summaries.PdfSharpSummaryRenderer>();
        return services;
    }
}
