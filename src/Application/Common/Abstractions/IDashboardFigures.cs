using MediVault.Application.Audit;
using MediVault.Domain.Records;

namespace MediVault.Application.Common.Abstractions;

/// <summary>Reads the figures a patient's dashboard is built from (untracked, for reading).</summary>
public interface IDashboardFigures
{
    /// <summary>
    /// The patient's vault at <paramref name="now"/>: totals per category of the files not deleted, the emergency codes
    /// that would open the profile, whether the profile is complete, and the <paramref name="recentCount"/> newest
    /// access-log entries, newest first.
    /// </summary>
    Task<DashboardFigures> ReadAsync(Guid patientId, DateTime now, int recentCount, CancellationToken cancellationToken);
}

/// <summary>What <see cref="IDashboardFigures"/> read.</summary>
public sealed record DashboardFigures(
    IReadOnlyList<CategoryTotals> Categories, int ActiveQrCodes, bool EmergencyProfileComplete, IReadOnlyList<AccessLogEntryDto> RecentActivity);

/// <summary>One category's files: how many, their total size, and when the newest was uploaded (UTC).</summary>
public sealed record CategoryTotals(FileCategory Category, int Count, long SizeBytes, DateTime LastUploadAt);
