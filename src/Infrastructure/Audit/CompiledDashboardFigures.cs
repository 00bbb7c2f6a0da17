using MediVault.Application.Audit;
using MediVault.Application.Common.Abstractions;
using MediVault.Domain.Audit;
using MediVault.Domain.Emergency;
using MediVault.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Infrastructure.Audit;

/// <summary>
/// The dashboard's four reads as compiled queries on one open connection. A LINQ query pays on every call for building
/// its expression tree, extracting its parameters and finding it in EF Core's cache, and each query opens and closes
/// the connection (docs/performance.md, "Fifteenth session"). One set per model (<see cref="CompiledPerModel{TQuery}"/>).
/// </summary>
internal sealed class CompiledDashboardFigures(AppDbContext db) : IDashboardFigures
{
    private static readonly CompiledPerModel<Queries> ByModel = new(() => new Queries());

    public async Task<DashboardFigures> ReadAsync(Guid patientId, DateTime now, int recentCount, CancellationToken cancellationToken)
    {
        var queries = ByModel.For(db);
        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var categories = new List<CategoryTotals>();
            await foreach (var totals in queries.Categories(db, patientId).WithCancellation(cancellationToken).ConfigureAwait(false))
                categories.Add(totals);
            var activeQrCodes = await queries.ActiveQrCodes(db, patientId, now, cancellationToken).ConfigureAwait(false);
            var profile = await queries.Profile(db, patientId, cancellationToken).ConfigureAwait(false);
            var recent = new List<AccessLogEntryDto>(recentCount);
            await foreach (var entry in queries.Recent(db, patientId, recentCount).WithCancellation(cancellationToken).ConfigureAwait(false))
                recent.Add(entry);
            return new DashboardFigures(categories, activeQrCodes, profile?.IsComplete ?? false, recent);
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    private sealed class Queries
    {
        public readonly Func<AppDbContext, Guid, IAsyncEnumerable<CategoryTotals>> Categories = EF.CompileAsyncQuery(
            (AppDbContext context, Guid patientId) => context.MedicalFiles.AsNoTracking()
                .Where(f => f.OwnerId == patientId && f.DeletedAt == null)
                .GroupBy(f => f.Category)
                .Select(g => new CategoryTotals(g.Key, g.Count(), g.Sum(f => f.SizeBytes), g.Max(f => f.UploadedAt))));

        public readonly Func<AppDbContext, Guid, DateTime, CancellationToken, Task<int>> ActiveQrCodes = EF.CompileAsyncQuery(
            (AppDbContext context, Guid patientId, DateTime now, CancellationToken _) => context.QrAccessCodes.AsNoTracking()
                .Count(c => c.PatientId == patientId && c.RevokedAt == null && c.ExpiresAt > now && (c.MaxUses == null || c.UseCount < c.MaxUses)));

        public readonly Func<AppDbContext, Guid, CancellationToken, Task<EmergencyProfile?>> Profile = EF.CompileAsyncQuery(
            (AppDbContext context, Guid patientId, CancellationToken _) => context.EmergencyProfiles.AsNoTracking()
                .SingleOrDefault(p => p.PatientId == patientId));

        // Newest first, ids (version 7, time-ordered) breaking ties: AccessLogOrder.NewestFirst, written out because a
        // compiled query's expression cannot call it.
        public readonly Func<AppDbContext, Guid, int, IAsyncEnumerable<AccessLogEntryDto>> Recent = EF.CompileAsyncQuery(
            (AppDbContext context, Guid patientId, int count) => context.AccessLogEntries.AsNoTracking()
                .Where(e => e.PatientId == patientId)
                .OrderByDescending(e => e.Timestamp).ThenByDescending(e => e.Id)
                .Take(count)
                .Select(AccessLogEntryDto.Projection));
    }
}
