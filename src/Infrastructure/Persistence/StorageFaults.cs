using Microsoft.Data.Sqlite;
using Npgsql;

namespace MediVault.Infrastructure.Persistence;

/// <summary>
/// Failures that say the disk is full or the data directory cannot be written (not that the request or the data is
/// wrong): nothing was changed, and the same request succeeds once the operator frees space (or the database server is
/// back). Answered 503. Knows every engine's codes, so the web layer names none.
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
            if (e is PostgresException postgres && IsPostgresUnavailable(postgres.SqlState))
                return true;
            if (e is NpgsqlException { IsTransient: true } and not PostgresException)
                return true; // the server could not be reached (connection refused, dropped, timed out)
            if (e.GetType() == typeof(IOException) && (e.HResult & 0xFFFF) is NoSpace or ReadOnlyFs or QuotaExceeded)
                return true;
        }
        return false;
    }

    /// <summary>Class 53 (insufficient resources: disk full, out of memory, too many connections), 57P01–57P03 (shutting
    /// down, cannot connect now), 25006 (read-only transaction, e.g. a standby), 08 (connection exception).</summary>
    private static bool IsPostgresUnavailable(string sqlState) =>
        sqlState.StartsWith("53", StringComparison.Ordinal) || sqlState.StartsWith("08", StringComparison.Ordinal) ||
        sqlState is "57P01" or "57P02" or "57P03" or "25006";
}

/// <summary>Database failures the web layer answers in its own way, whatever the engine.</summary>
public static class DatabaseFaults
{
    private const int SqliteConstraint = 19; // SQLITE_CONSTRAINT

    /// <summary>
    /// A save lost a race to create the same row (a unique key or constraint): nothing was saved, and the same request
    /// succeeds when sent again. Answered 409.
    /// </summary>
    public static bool IsConcurrentDuplicate(Exception exception) =>
        exception is Microsoft.EntityFrameworkCore.DbUpdateException
        {
            InnerException: SqliteException { SqliteErrorCode: SqliteConstraint }
                or PostgresException { SqlState: PostgresErrorCodes.UniqueViolation }
        };
}
