using MediVault.Application.Records.Common;
using MediVault.Domain.Records;

namespace MediVault.Application.Common.Abstractions;

/// <summary>
/// Reads a patient's files as the files list shows them: only what <see cref="FileDto"/> carries (no storage key, no
/// wrapped key), the description opened.
/// </summary>
public interface IFileListing
{
    /// <summary>
    /// The owner's files that are not deleted, of <paramref name="category"/> when one is given, newest upload first
    /// (the newer id first at the same instant): at most <paramref name="take"/> of them, after the first
    /// <paramref name="skip"/>.
    /// </summary>
    Task<List<FileDto>> ReadAsync(Guid ownerId, FileCategory? category, int skip, int take, CancellationToken cancellationToken);

    /// <summary>How many files <see cref="ReadAsync"/> would read with no limit.</summary>
    Task<int> CountAsync(Guid ownerId, FileCategory? category, CancellationToken cancellationToken);
}
