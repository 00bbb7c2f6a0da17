namespace MediVault.Application.Common.Abstractions;

/// <summary>
/// Clears what committed changes removed (a destroyed data key, above all) out of the database's files: the
/// database zeroes space as it frees it, and this empties the write-ahead log, which still holds the old pages.
/// </summary>
public interface ISecureErasure
{
    /// <summary>
    /// Best effort, never throws: while another connection still reads an older snapshot, the log cannot be emptied
    /// yet; it is then cut back at the next checkpoint after that reader is done.
    /// </summary>
    Task EraseRemovedDataAsync(CancellationToken cancellationToken);
}
