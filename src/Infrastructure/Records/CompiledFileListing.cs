using MediVault.Application.Common.Abstractions;
using MediVault.Domain.Records;
using MediVault.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Infrastructure.Records;

/// <summary>
/// The files list's page and count as compiled queries: <c>GET /api/files/{id}</c> reads a page on every request, and a
/// LINQ query pays each time for its expression tree and EF Core's cache lookup (docs/performance.md, "Fifteenth
/// session"). One set per model (<see cref="CompiledPerModel{TQuery}"/>).
/// </summary>
internal sealed class CompiledFileListing(AppDbContext db) : IFileListing
{
    private static readonly CompiledPerModel<Queries> ByModel = new(() => new Queries());

    public async Task<List<MedicalFile>> ReadAsync(Guid ownerId, FileCategory? category, int skip, int take, CancellationToken cancellationToken)
    {
        var files = new List<MedicalFile>(Math.Min(take, 128));
        await foreach (var file in ByModel.For(db).Page(db, ownerId, category, skip, take).WithCancellation(cancellationToken).ConfigureAwait(false))
            files.Add(file);
        return files;
    }

    public Task<int> CountAsync(Guid ownerId, FileCategory? category, CancellationToken cancellationToken) =>
        ByModel.For(db).Count(db, ownerId, category, cancellationToken);

    private sealed class Queries
    {
        public readonly Func<AppDbContext, Guid, FileCategory?, int, int, IAsyncEnumerable<MedicalFile>> Page = EF.CompileAsyncQuery(
            (AppDbContext context, Guid ownerId, FileCategory? category, int skip, int take) => context.MedicalFiles.AsNoTracking()
                .Where(f => f.OwnerId == ownerId && f.DeletedAt == null && (category == null || f.Category == category))
                .OrderByDescending(f => f.UploadedAt).ThenByDescending(f => f.Id)
                .Skip(skip)
                .Take(take));

        // The same filter as Page's: a compiled query's expression cannot call a shared one.
        public readonly Func<AppDbContext, Guid, FileCategory?, CancellationToken, Task<int>> Count = EF.CompileAsyncQuery(
            (AppDbContext context, Guid ownerId, FileCategory? category, CancellationToken _) => context.MedicalFiles
                .Count(f => f.OwnerId == ownerId && f.DeletedAt == null && (category == null || f.Category == category)));
    }
}
