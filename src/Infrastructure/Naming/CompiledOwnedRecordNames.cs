using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Naming;
using MediVault.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Infrastructure.Naming;

/// <summary>
/// The names as compiled queries on one open connection: the access log and the ledger list name a page of records on
/// every request, and a LINQ query pays each time for its expression tree and EF Core's cache lookup (docs/performance.md,
/// "Fifteenth session"). One set per model (<see cref="CompiledPerModel{TQuery}"/>).
/// </summary>
internal sealed class CompiledOwnedRecordNames(AppDbContext db, IUserDirectory users) : IOwnedRecordNames
{
    private static readonly CompiledPerModel<Queries> ByModel = new(() => new Queries());

    public async Task<IReadOnlyDictionary<Guid, string>> FindAsync(Guid ownerId, RecordIds ids, CancellationToken cancellationToken)
    {
        var names = new Dictionary<Guid, string>();
        var grants = new List<GrantDoctor>();
        var queries = ByModel.For(db);
        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (ids.Files.Count > 0)
                await AddAsync(names, queries.Files(db, ownerId, [.. ids.Files]), cancellationToken).ConfigureAwait(false);
            if (ids.QrCodes.Count > 0)
                await AddAsync(names, queries.QrCodes(db, ownerId, [.. ids.QrCodes]), cancellationToken).ConfigureAwait(false);
            if (ids.Links is { Count: > 0 } links)
                await AddAsync(names, queries.Links(db, ownerId, [.. links]), cancellationToken).ConfigureAwait(false);
            if (ids.Grants.Count > 0)
            {
                await foreach (var grant in queries.Grants(db, ownerId, [.. ids.Grants]).WithCancellation(cancellationToken).ConfigureAwait(false))
                    grants.Add(grant);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }

        if (grants.Count > 0)
        {
            var doctors = await users.FindManyAsync(grants.Select(g => g.DoctorId).Distinct(), cancellationToken).ConfigureAwait(false);
            foreach (var grant in grants)
            {
                if (doctors.TryGetValue(grant.DoctorId, out var doctor))
                    names[grant.Id] = doctor.FullName;
            }
        }
        return names;
    }

    private static async Task AddAsync(Dictionary<Guid, string> names, IAsyncEnumerable<IdAndName> found, CancellationToken cancellationToken)
    {
        await foreach (var record in found.WithCancellation(cancellationToken).ConfigureAwait(false))
            names[record.Id] = record.Name;
    }

    private sealed record IdAndName(Guid Id, string Name);

    private sealed record GrantDoctor(Guid Id, Guid DoctorId);

    private sealed class Queries
    {
        public readonly Func<AppDbContext, Guid, Guid[], IAsyncEnumerable<IdAndName>> Files = EF.CompileAsyncQuery(
            (AppDbContext context, Guid ownerId, Guid[] ids) => context.MedicalFiles.AsNoTracking()
                .Where(f => f.OwnerId == ownerId && ids.Contains(f.Id))
                .Select(f => new IdAndName(f.Id, f.FileName)));

        public readonly Func<AppDbContext, Guid, Guid[], IAsyncEnumerable<IdAndName>> QrCodes = EF.CompileAsyncQuery(
            (AppDbContext context, Guid ownerId, Guid[] ids) => context.QrAccessCodes.AsNoTracking()
                .Where(q => q.PatientId == ownerId && q.Label != null && ids.Contains(q.Id))
                .Select(q => new IdAndName(q.Id, q.Label!)));

        public readonly Func<AppDbContext, Guid, Guid[], IAsyncEnumerable<IdAndName>> Links = EF.CompileAsyncQuery(
            (AppDbContext context, Guid ownerId, Guid[] ids) => context.SmartHealthLinks.AsNoTracking()
                .Where(l => l.PatientId == ownerId && l.Label != null && ids.Contains(l.Id))
                .Select(l => new IdAndName(l.Id, l.Label!)));

        public readonly Func<AppDbContext, Guid, Guid[], IAsyncEnumerable<GrantDoctor>> Grants = EF.CompileAsyncQuery(
            (AppDbContext context, Guid ownerId, Guid[] ids) => context.AccessGrants.AsNoTracking()
                .Where(g => g.PatientId == ownerId && ids.Contains(g.Id))
                .Select(g => new GrantDoctor(g.Id, g.DoctorId)));
    }
}
