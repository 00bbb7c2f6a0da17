using Microsoft.Data.Sqlite;

namespace MediVault.Infrastructure.Persistence;

/// <summary>
/// Failures that say the disk is full or the data directory cannot be written (not that the request or the data is
/// wrong): nothing was changed, and the same request succeeds once the operator frees space. Answered 503.
/// </summary>
public static class StorageFaults
{
    private const int NoSpace = 28;       // ENOSPC
    private const int ReadOnlyFs = 30;    // EROFS
    private const int QuotaExceeded = 122; // EDQUOT
    private const int SqliteReadOnly = 8; // SQLITE_READONLY
    private const int SqliteIoError = 10; // SQLITE_IOERR
    private const int SqliteFull = 13;    // SQLITE_FULL
    private const int SqliteCantOpen = 14; // SQLITE_CANTOPEN

    public static bool IsStorageUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SqliteException { SqliteErrorCode: SqliteFull or SqliteReadOnly or SqliteIoError or SqliteCantOpen })
                return true;
            if (e.GetType() == typeof(IOException) && (e.HResult & 0xFFFF) is NoSpace or ReadOnlyFs or QuotaExceeded)
                return true;
        }
        return false;
    }
}
