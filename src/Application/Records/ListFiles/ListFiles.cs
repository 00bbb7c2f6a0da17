using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Paging;
using MediVault.Application.Records.Common;
using MediVault.Domain.Audit;
using MediVault.Domain.Records;

namespace MediVault.Application.Records.ListFiles;

/// <summary>A patient's files, newest first; <paramref name="Q"/> searches the file name and the description.</summary>
public sealed record ListFiles(Guid UserId, string? Category, string? Q, int Page, int PageSize) : IQuery<Paged<FileDto>>;

public sealed class ListFilesHandler(IAppDbContext db, IFileListing listing, IRecordAccess access, IAccessLog accessLog, IUserDirectory users)
    : IQueryHandler<ListFiles, Paged<FileDto>>
{
    public async ValueTask<Paged<FileDto>> Handle(ListFiles query, CancellationToken cancellationToken)
    {
        var role = await access.EnsureAsync(query.UserId, RecordAction.ListFiles, cancellationToken);
        if (role == ActorRole.Doctor)
        {
            // Every doctor access is on the patient's record, reads of the list included.
            accessLog.Record(query.UserId, AccessAction.RecordsViewed, role, "file", resourceId: null);
            await db.SaveChangesAsync(cancellationToken);
        }

        FileCategory? category = FileCategories.TryParse(query.Category, out var named) ? named : null;
        if (string.IsNullOrWhiteSpace(query.Q))
        {
            var page = await PageExtensions.PageAsync(
                (skip, take) => listing.ReadAsync(query.UserId, category, skip, take, cancellationToken),
                () => listing.CountAsync(query.UserId, category, cancellationToken),
                query.Page, query.PageSize);
            return await NameUploadersAsync(page, cancellationToken);
        }

        // Descriptions are stored sealed (docs/storage.md), so the search runs over the patient's opened rows, not in SQL.
        var text = query.Q.Trim();
        var files = await listing.ReadAsync(query.UserId, category, 0, int.MaxValue, cancellationToken);
        var matches = files.Where(f => Mentions(f, text)).ToList();
        return await NameUploadersAsync(new Paged<FileDto>(
            matches.Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToList(),
            query.Page, query.PageSize, matches.Count), cancellationToken);
    }

    /// <summary>Files a doctor added carry the doctor's name ("Added by Dr. Sharma").</summary>
    private async Task<Paged<FileDto>> NameUploadersAsync(Paged<FileDto> page, CancellationToken cancellationToken)
    {
        var uploaderIds = page.Items.Where(f => f.IsAddedByAnotherPerson()).Select(f => f.UploadedById).Distinct().ToList();
        if (uploaderIds.Count == 0)
            return page;
        var uploaders = await users.FindManyAsync(uploaderIds, cancellationToken);
        var named = page.Items
            .Select(f => f.IsAddedByAnotherPerson() && uploaders.TryGetValue(f.UploadedById, out var uploader) ? f with { UploadedByName = uploader.FullName } : f)
            .ToList();
        return page with { Items = named };
    }

    /// <summary>The text appears in the file name or the description, ignoring case; <c>%</c> and <c>_</c> are plain characters.</summary>
    private static bool Mentions(FileDto file, string text) =>
        file.FileName.Contains(text, StringComparison.OrdinalIgnoreCase)
        || (file.Description?.Contains(text, StringComparison.OrdinalIgnoreCase) ?? false);
}
