using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Infrastructure.Storage;

internal sealed class PatientDataKeys(AppDbContext db, PatientKeyRing keys) : IPatientDataKeys
{
    public async Task<bool> DestroyAsync(Guid patientId, CancellationToken cancellationToken)
    {
        var deleted = await db.Set<PatientDataKey>().Where(k => k.PatientId == patientId).ExecuteDeleteAsync(cancellationToken);
        keys.Forget(db, patientId);
        return deleted > 0;
    }
}
