using MediVault.Application.Common.Abstractions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MediVault.Infrastructure.Persistence;

/// <summary>
/// What PostgreSQL allows after a delete: <c>VACUUM</c> of the tables that hold a patient's data, so the dead row
/// versions are pruned and their space is reused sooner than autovacuum would. PostgreSQL has no <c>secure_delete</c>:
/// old row versions stay in free space until overwritten, and in the WAL, its archive and base backups until they
/// expire. What makes removed medical text unreadable at once is crypto-erasure (the patient's data key is destroyed
/// first), not this step. docs/storage.md, "Erasure on PostgreSQL".
/// </summary>
internal sealed partial class PostgresSecureErasure(DatabaseProvider database, ILogger<PostgresSecureErasure> logger) : ISecureErasure
{
    private const string Vacuum =
        """VACUUM "PatientDataKeys", "EmergencyProfiles", "MedicalFiles", "AccessGrants", "QrAccessCodes", "AccessLogEntries", "AspNetUsers";""";

    public async Task EraseRemovedDataAsync(CancellationToken cancellationToken)
    {
        try
        {
            // VACUUM cannot run inside a transaction: a connection of its own, in autocommit.
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = Vacuum;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (NpgsqlException ex)
        {
            LogNotVacuumed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "VACUUM after a delete did not run now; autovacuum prunes the removed rows later")]
    private static partial void LogNotVacuumed(ILogger logger, Exception exception);
}
