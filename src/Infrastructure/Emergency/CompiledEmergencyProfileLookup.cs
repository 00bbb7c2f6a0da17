using MediVault.Application.Common.Abstractions;
using MediVault.Domain.Emergency;
using MediVault.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Infrastructure.Emergency;

/// <summary>
/// The profile by its patient's id as a compiled query: <c>GET /api/emergency-profile/{id}</c> reads it on every
/// request, and a LINQ query pays each time for its expression tree and EF Core's cache lookup (docs/performance.md,
/// "Fifteenth session"). One per model (<see cref="CompiledPerModel{TQuery}"/>).
/// </summary>
internal sealed class CompiledEmergencyProfileLookup(AppDbContext db) : IEmergencyProfileLookup
{
    private static readonly CompiledPerModel<Func<AppDbContext, Guid, CancellationToken, Task<EmergencyProfile?>>> ByPatient = new(() =>
        EF.CompileAsyncQuery((AppDbContext context, Guid patientId, CancellationToken _) =>
            context.EmergencyProfiles.AsNoTracking().SingleOrDefault(p => p.PatientId == patientId)));

    public Task<EmergencyProfile?> FindAsync(Guid patientId, CancellationToken cancellationToken) =>
        ByPatient.For(db)(db, patientId, cancellationToken);
}
