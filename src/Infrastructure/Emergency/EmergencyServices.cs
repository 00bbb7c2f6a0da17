using MediVault.Application.Emergency;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.Infrastructure.Emergency;

public static class EmergencyServices
{
    /// <summary>QR code rendering for emergency codes, the printable summary, and the master-key side of SMART Health Links.</summary>
    public static IServiceCollection AddEmergencyInfrastructure(this IServiceCollection services)
    {
        services.AddSingleton<IQrCodeRenderer, QrCoderRenderer>();
        services.AddScoped<Application.Common.Abstractions.IQrCodeUses, SqlQrCodeUses>();
        services.AddScoped<Application.Common.Abstractions.IQrCodeLookup, CompiledQrCodeLookup>();
        services.AddScoped<Application.Common.Abstractions.IEmergencyProfileLookup, CompiledEmergencyProfileLookup>();
        services.AddScoped<Application.Common.Abstractions.IDashboardFigures, Audit.CompiledDashboardFigures>();
        services.AddSingleton<ISummaryPdfRenderer, Summaries.PdfSharpSummaryRenderer>();
        services.AddSingleton<Application.Common.Abstractions.ISmartHealthLinkSecrets, Sharing.SmartHealthLinkSecrets>();
        return services;
    }
}
