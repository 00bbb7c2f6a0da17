using MediVault.Application.Common.Abstractions;
using MediVault.Application.Records.Common;
using MediVault.Domain.Records;
using MediVault.Infrastructure.Persistence;
using MediVault.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Infrastructure.Records;

/// <summary>
/// The files list's page and count as compiled queries: <c>GET /api/files/{id}</c> reads a page on every request, and a
/// LINQ query pays each time for its expression tree and EF Core's cache lookup (docs/performance.md, "Fifteenth
/// session"). One set per model (<see cref="CompiledPerModel{TQuery}"/>).
/// The page reads only the columns the list shows, straight into <see cref="FileDto"/>s: the storage key, the wrapped
/// key and the SHA-1 are not read, and no <see cref="MedicalFile"/> is made (docs/performance.md, "Nineteenth
/// session"). It opens the descriptions itself (<see cref="MedicalTextSealing.DescriptionsOf"/>): the same sealed text
/// as a materialized file's, with the patient's key unwrapped once for the page rather than once per row.
/// </summary>
internal sealed class CompiledFileListing(AppDbContext db) : IFileListing
{
    private static readonly CompiledPerModel<Queries> ByModel = new(() => new Queries());

    public async Task<List<FileDto>> ReadAsync(Guid ownerId, FileCategory? category, int skip, int take, CancellationToken cancellationToken)
    {
        var files = new List<FileDto>(Math.Min(take, 128));
        using var descriptions = MedicalTextSealing.DescriptionsOf(db, ownerId);
        await foreach (var row in ByModel.For(db).Page(db, ownerId, category, skip, take).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            files.Add(new FileDto(row.Id, row.OwnerId, row.UploadedById, row.FileName, row.ContentType, row.SizeBytes, row.Category,
                descriptions.Open(row.Id, row.SealedDescription),
                row.RecordDate, row.Sha256, row.UploadedAt, row.LedgerIndex, row.LedgerHash));
        }
        return files;
    }

    /// <summary>One file as the page reads it: <see cref="FileDto"/>'s fields, with the description still sealed.</summary>
    private sealed record Row(
        Guid Id, Guid OwnerId, Guid UploadedById, string FileName, string ContentType, long SizeBytes, FileCategory Category,
        byte[]? SealedDescription, DateOnly? RecordDate, string Sha256, DateTime UploadedAt, long LedgerIndex, string LedgerHash);

    public Task<int> CountAsync(Guid ownerId, FileCategory? category, CancellationToken cancellationToken) =>
        ByModel.For(db).Count(db, ownerId, category, cancellationToken);

    private sealed class Queries
    {
        public readonly Func<AppDbContext, Guid, FileCategory?, int, int, IAsyncEnumerable<Row>> Page = EF.CompileAsyncQuery(
            (AppDbContext context, Guid ownerId, FileCategory? category, int skip, int take) => context.MedicalFiles.AsNoTracking()
                .Where(f => f.OwnerId == ownerId && f.DeletedAt == null && (category == null || f.Category == category))
                .OrderByDescending(f => f.UploadedAt).ThenByDescending(f => f.Id)
                .Skip(skip)
                .Take(take)
                .Select(f => new Row(f.Id, f.OwnerId, f.UploadedById, f.FileName, f.ContentType, f.SizeBytes, f.Category,
                    EF.Property<byte[]?>(f, MedicalTextSealing.DescriptionColumn), f.RecordDate, f.Sha256, f.UploadedAt, f.LedgerIndex, f.LedgerHash)));

        // The same filter as Page's: a compiled query's expression cannot call a shared one.
        public readonly Func<AppDbContext, Guid, FileCategory?, CancellationToken, Task<int>> Count = EF.CompileAsyncQuery(
            (AppDbContext context, Guid ownerId, FileCategory? category, CancellationToken _) => context.MedicalFiles
                .Count(f => f.OwnerId == ownerId && f.DeletedAt == null && (category == null || f.Category == category)));
    }
}
