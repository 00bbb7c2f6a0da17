using MediVault.Application.Common.Abstractions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace MediVault.Infrastructure.Persistence;

/// <summary>
/// Checkpoints the write-ahead log into the database file and truncates it to zero bytes
/// (<c>PRAGMA wal_checkpoint(TRUNCATE)</c>). Together with <see cref="SecureDeletePragmas"/> no copy of removed
/// data is left in either file.
/// </summary>
internal sealed partial class SqliteSecureErasure(AppDbContext db, ILogger<SqliteSecureErasure> logger) : ISecureErasure
{
    public async Task EraseRemovedDataAsync(CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        try
        {
            if (opened)
                await db.Database.OpenConnectionAsync(cancellationToken);
            // A short read elsewhere (e.g. the ledger's checkpoint signer) keeps TRUNCATE from finishing: try a few times.
            for (var attempt = 1; ; attempt++)
            {
                if (await TryTruncateAsync(connection, cancellationToken))
                    break;
                if (attempt == 10)
                {
                    LogLogNotEmptied(logger, null);
                    break;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(25), cancellationToken);
            }
        }
        catch (SqliteException ex)
        {
            LogLogNotEmptied(logger, ex);
        }
        finally
        {
            if (opened)
                await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<bool> TryTruncateAsync(System.Data.Common.DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        command.CommandTimeout = 2; // a delete never waits long on a busy database: the next checkpoint finishes the job
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        // One row: busy (1 when a reader or writer kept the checkpoint from finishing), log frames, checkpointed frames.
        return await reader.ReadAsync(cancellationToken) && reader.GetInt32(0) == 0;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The write-ahead log could not be emptied now (another connection is busy); removed data leaves it at the next checkpoint")]
    private static partial void LogLogNotEmptied(ILogger logger, Exception? exception);
}
