using MediVault.Application.Common.Abstractions;
using MediVault.Application.Emergency;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Audit;

/// <summary>
/// Names the resources of a patient's log entries for that patient: a file's name, a QR code's label, the doctor of
/// an access grant. Every lookup is limited to resources the patient owns, so an entry can never name someone
/// else's record; callers use it only when the reader is the patient (a doctor's reading stays unnamed).
/// </summary>
internal static class AccessLogNames
{
    public const string FileResource = "file";
    public const string GrantResource = "access-grant";

    public static async Task<IReadOnlyList<AccessLogEntryDto>> NameForOwnerAsync(
        IAppDbContext db, IUserDirectory users, Guid patientId, IReadOnlyList<AccessLogEntryDto> entries, CancellationToken ct)
    {
        var fileIds = IdsOf(entries, FileResource);
        var codeIds = IdsOf(entries, ResourceTypes.QrCode);
        var grantIds = IdsOf(entries, GrantResource);

        var files = fileIds.Count == 0 ? [] : await db.MedicalFiles.AsNoTracking()
            .Where(f => f.OwnerId == patientId && fileIds.Contains(f.Id))
            .ToDictionaryAsync(f => f.Id, f => f.FileName, ct);
        var codes = codeIds.Count == 0 ? [] : await db.QrAccessCodes.AsNoTracking()
            .Where(q => q.PatientId == patientId && q.Label != null && codeIds.Contains(q.Id))
            .ToDictionaryAsync(q => q.Id, q => q.Label!, ct);
        var grantDoctors = grantIds.Count == 0 ? [] : await db.AccessGrants.AsNoTracking()
            .Where(g => g.PatientId == patientId && grantIds.Contains(g.Id))
            .ToDictionaryAsync(g => g.Id, g => g.DoctorId, ct);
        var doctors = grantDoctors.Count == 0 ? new Dictionary<Guid, UserInfo>() : await users.FindManyAsync(grantDoctors.Values.Distinct(), ct);

        string? NameOf(AccessLogEntryDto entry)
        {
            if (entry.ResourceId is not { } id)
                return null;
            return entry.ResourceType switch
            {
                FileResource => files.GetValueOrDefault(id),
                ResourceTypes.QrCode => codes.GetValueOrDefault(id),
                GrantResource when grantDoctors.TryGetValue(id, out var doctorId) => doctors.GetValueOrDefault(doctorId)?.FullName,
                _ => null,
            };
        }

        return [.. entries.Select(e => e with { ResourceName = NameOf(e) })];
    }

    /// <summary>Every entry's device in words, for any reader (a browser and system name is not a secret).</summary>
    public static IReadOnlyList<AccessLogEntryDto> WithDevices(IEnumerable<AccessLogEntryDto> entries) =>
        [.. entries.Select(e => e with { Device = UserAgentDescription.Describe(e.UserAgent) })];

    private static List<Guid> IdsOf(IReadOnlyList<AccessLogEntryDto> entries, string resourceType) =>
        [.. entries.Where(e => e.ResourceType == resourceType && e.ResourceId is not null).Select(e => e.ResourceId!.Value).Distinct()];
}
