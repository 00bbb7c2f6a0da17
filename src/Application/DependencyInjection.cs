using FluentValidation;
using MediVault.Application.Common.Access;
using MediVault.Application.DataRights.ExportVault;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.Application;

public static class DependencyInjection
{
    /// <summary>Use cases, validators and the access rules. The mediator itself is generated in the WebApi project.</summary>
    public static IServiceCollection AddApplication(this IServiceCollection services)
    {
        // Singletons: a validator compiles its rules' expressions when it is built, which cost a dynamic method per
        // request while they were scoped (docs/performance.md). Validators take no dependencies (ValidatorTests).
        services.AddValidatorsFromAssembly(typeof(DependencyInjection).Assembly, ServiceLifetime.Singleton, includeInternalTypes: true);
        services.AddScoped<IAccessLog, AccessLog>();
        services.AddScoped<IRecordAccess, RecordAccess>();
        services.AddScoped<Fhir.FhirAccess>();
        services.AddScoped<Fhir.FhirRecords>();
        services.AddScoped<Sharing.SmartHealthLinks.ShlContent>();
        services.AddScoped<Sharing.SmartHealthLinks.ShlServing>();
        // The parts of the vault export, in the order they are written.
        services.AddScoped<IVaultExportPart, FilesExportPart>();
        services.AddScoped<IVaultExportPart, EmergencyProfileExportPart>();
        services.AddScoped<IVaultExportPart, AccessLogExportPart>();
        services.AddScoped<IVaultExportPart, LedgerExportPart>();
        services.AddScoped<IVaultExportPart, AccountExportPart>();
        return services;
    }
}
