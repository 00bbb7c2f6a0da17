using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Exceptions;
using MediVault.Domain.Identity;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Sharing.ListMyPatients;

/// <summary>The patients whose active grants the signed-in doctor holds.</summary>
public sealed record ListMyPatients : IQuery<IReadOnlyList<DoctorPatient>>;

/// <summary>A patient as a doctor's list shows them.</summary>
public sealed record DoctorPatient(Guid PatientId, string FullName, string Email, DateTime GrantedAt, DateTime? ExpiresAt);

public sealed class ListMyPatientsHandler(IAppDbContext db, ICurrentUser currentUser, IUserDirectory users, TimeProvider clock)
    : IQueryHandler<ListMyPatients, IReadOnlyList<DoctorPatient>>
{
    public async ValueTask<IReadOnlyList<DoctorPatient>> Handle(ListMyPatients query, CancellationToken cancellationToken)
    {
        var doctorId = currentUser.RequireUserId();
        if (currentUser.AccountType != AccountType.Doctor)
            throw new ForbiddenException("Only doctors have patients here.");
        var now = clock.GetUtcNow().UtcDateTime;
        var grants = await db.AccessGrants.AsNoTracking()
            .Where(g => g.DoctorId == doctorId && g.RevokedAt == null && (g.ExpiresAt == null || g.ExpiresAt > now))
            .OrderByDescending(g => g.GrantedAt)
            .Select(g => new { g.PatientId, g.GrantedAt, g.ExpiresAt })
            .ToListAsync(cancellationToken);
        var patients = await users.FindManyAsync(grants.Select(g => g.PatientId), cancellationToken);
        return grants
            .Where(g => patients.ContainsKey(g.PatientId))
            .DistinctBy(g => g.PatientId)
            .Select(g => new DoctorPatient(g.PatientId, patients[g.PatientId].FullName, patients[g.PatientId].Email, g.GrantedAt, g.ExpiresAt))
            .OrderBy(p => p.FullName, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }
}
