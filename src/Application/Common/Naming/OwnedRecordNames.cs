using MediVault.Application.Common.Abstractions;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Common.Naming;

/// <summary>The ids of a patient's records to name, by kind.</summary>
public sealed record RecordIds(
    IReadOnlyCollection<Guid> Files, IReadOnlyCollection<Guid> QrCodes, IReadOnlyCollection<Guid> Grants, IReadOnlyCollection<Guid>? Links = null);

/// <summary>
/// What a patient's records are called, for that patient: a file's name, a QR code's label, the doctor of an access
/// grant, a SMART Health Link's label (issue 17). Every lookup is limited to records the patient owns, so an id of someone else's record is never named;
/// callers ask only when the reader is the owner (issue 15: the access log and the ledger name records for their owner).
/// </summary>
/// <remarks>
/// Each id list goes to the database as one parameter (<c>EF.Parameter</c>: a JSON array on SQLite, an array on
/// PostgreSQL). EF Core 10 would otherwise send one parameter per id, and SQL whose shape depends on the list's length
/// is generated again on every call instead of being cached (docs/performance.md, "Fifteenth session").
/// </remarks>
internal static class OwnedRecordNames
{
    public static async Task<IReadOnlyDictionary<Guid, string>> FindAsync(
        IAppDbContext db, IUserDirectory users, Guid ownerId, RecordIds ids, CancellationToken ct)
    {
        var names = new Dictionary<Guid, string>();
        if (ids.Files.Count > 0)
        {
            foreach (var file in await db.MedicalFiles.AsNoTracking()
                .Where(f => f.OwnerId == ownerId && EF.Parameter(ids.Files).Contains(f.Id))
                .Select(f => new { f.Id, f.FileName }).ToListAsync(ct))
                names[file.Id] = file.FileName;
        }
        if (ids.QrCodes.Count > 0)
        {
            foreach (var code in await db.QrAccessCodes.AsNoTracking()
                .Where(q => q.PatientId == ownerId && q.Label != null && EF.Parameter(ids.QrCodes).Contains(q.Id))
                .Select(q => new { q.Id, q.Label }).ToListAsync(ct))
                names[code.Id] = code.Label!;
        }
        if (ids.Links is { Count: > 0 } links)
        {
            foreach (var link in await db.SmartHealthLinks.AsNoTracking()
                .Where(l => l.PatientId == ownerId && l.Label != null && EF.Parameter(links).Contains(l.Id))
                .Select(l => new { l.Id, l.Label }).ToListAsync(ct))
                names[link.Id] = link.Label!;
        }
        if (ids.Grants.Count > 0)
        {
            var grants = await db.AccessGrants.AsNoTracking()
                .Where(g => g.PatientId == ownerId && EF.Parameter(ids.Grants).Contains(g.Id))
                .Select(g => new { g.Id, g.DoctorId }).ToListAsync(ct);
            var doctors = await users.FindManyAsync(grants.Select(g => g.DoctorId).Distinct(), ct);
            foreach (var grant in grants)
            {
                if (doctors.TryGetValue(grant.DoctorId, out var doctor))
                    names[grant.Id] = doctor.FullName;
            }
        }
        return names;
    }
}
