using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Records.Common;
using MediVault.Domain.Audit;
using MediVault.Domain.Records;

namespace MediVault.Application.Audit.GetDashboardStats;

/// <summary>The numbers on a patient's dashboard.</summary>
public sealed record GetDashboardStats(Guid PatientId) : IQuery<DashboardStats>;

/// <summary>A patient's vault at a glance.</summary>
/// <param name="TotalFiles">Files in the vault (deleted ones not counted).</param>
/// <param name="TotalSizeBytes">Their total size in bytes.</param>
/// <param name="FilesByCategory">Files per category, every category present: <c>{ "lab-report": 2, "imaging": 0, … }</c>.</param>
/// <param name="ActiveQrCodes">Emergency codes that would open the profile now.</param>
/// <param name="EmergencyProfileComplete">The profile has a date of birth, a known blood type and a contact.</param>
/// <param name="LastUploadAt">When the newest file was uploaded (UTC), or null.</param>
/// <param name="RecentActivity">The newest access-log entries, at most 10.</param>
public sealed record DashboardStats(
    int TotalFiles,
    long TotalSizeBytes,
    IReadOnlyDictionary<string, int> FilesByCategory,
    int ActiveQrCodes,
    bool EmergencyProfileComplete,
    DateTime? LastUploadAt,
    IReadOnlyList<AccessLogEntryDto> RecentActivity);

public sealed class GetDashboardStatsHandler(IAppDbContext db, IDashboardFigures dashboard, IRecordAccess access, IAccessLog accessLog, TimeProvider clock)
    : IQueryHandler<GetDashboardStats, DashboardStats>
{
    public const int RecentActivityCount = 10;

    public async ValueTask<DashboardStats> Handle(GetDashboardStats query, CancellationToken cancellationToken)
    {
        var role = await access.EnsureAsync(query.PatientId, RecordAction.ReadDashboard, cancellationToken);
        var patientId = query.PatientId;

        var figures = await dashboard.ReadAsync(patientId, clock.GetUtcNow().UtcDateTime, RecentActivityCount, cancellationToken);
        var categories = figures.Categories;

        if (role == ActorRole.Doctor)
        {
            accessLog.Record(patientId, AccessAction.RecordsViewed, role, "dashboard", resourceId: null);
            await db.SaveChangesAsync(cancellationToken);
        }

        return new DashboardStats(
            categories.Sum(c => c.Count),
            categories.Sum(c => c.SizeBytes),
            FileCategories.All.ToDictionary(FileCategories.NameOf, category => categories.FirstOrDefault(c => c.Category == category)?.Count ?? 0),
            figures.ActiveQrCodes,
            figures.EmergencyProfileComplete,
            categories.Count == 0 ? null : categories.Max(c => c.LastUploadAt),
            figures.RecentActivity);
    }
}
