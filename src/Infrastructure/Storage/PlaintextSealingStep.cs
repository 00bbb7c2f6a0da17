using System.Data.Common;
using System.Globalization;
using MediVault.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace MediVault.Infrastructure.Storage;

/// <summary>
/// Once, at the first start after the <c>I14EncryptionAtRest</c> migration: seals the emergency profiles and file
/// descriptions that were stored in plaintext before. The migration cannot do it (it has no master key): it moves the old
/// text into two holding tables, which this step seals into the new columns and drops in one transaction, then it
/// rewrites the database (<c>VACUUM</c>) and empties the write-ahead log so no page of the old text is left in either file.
/// </summary>
internal sealed partial class PlaintextSealingStep(AppDbContext db, PatientKeyRing keys, ILogger<PlaintextSealingStep> logger) : IStartupStep
{
    public const string ProfilesTable = "I14PlaintextProfiles";
    public const string DescriptionsTable = "I14PlaintextDescriptions";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlite())
            return; // only a SQLite vault can predate I14: a PostgreSQL database is created from the sealed model
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            if (!Exists(ProfilesTable) && !Exists(DescriptionsTable))
                return;

            int profiles, descriptions;
            await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
            {
                profiles = Exists(ProfilesTable) ? SealProfiles() : 0;
                descriptions = Exists(DescriptionsTable) ? SealDescriptions() : 0;
                Run($"DROP TABLE IF EXISTS \"{ProfilesTable}\"; DROP TABLE IF EXISTS \"{DescriptionsTable}\";");
                await transaction.CommitAsync(cancellationToken);
            }
            Run("VACUUM;");
            Run("PRAGMA wal_checkpoint(TRUNCATE);");
            LogSealed(logger, profiles, descriptions);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private int SealProfiles()
    {
        var rows = Read($"SELECT \"PatientId\", \"DateOfBirth\", \"BloodType\", \"Allergies\", \"Conditions\", \"Medications\", " +
            $"\"EmergencyContacts\", \"OrganDonor\", \"MedicalNotes\" FROM \"{ProfilesTable}\"", reader => (
                Id: reader.GetString(0),
                Json: SealedProfileContent.FromLegacyColumns(
                    reader.IsDBNull(1) ? null : DateOnly.ParseExact(reader.GetString(1), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                    reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6),
                    reader.GetInt64(7) != 0, reader.IsDBNull(8) ? null : reader.GetString(8))));
        foreach (var (id, json) in rows)
        {
            var patientId = Guid.Parse(id);
            Update($"UPDATE \"{SealedProfileContent.Table}\" SET \"{SealedProfileContent.Column}\" = $sealed WHERE \"PatientId\" = $id", id,
                keys.Seal(db, patientId, json, SealedProfileContent.Table, patientId));
        }
        return rows.Count;
    }

    private int SealDescriptions()
    {
        var rows = Read($"SELECT \"Id\", \"OwnerId\", \"Description\" FROM \"{DescriptionsTable}\" WHERE \"Description\" IS NOT NULL",
            reader => (Id: reader.GetString(0), Owner: Guid.Parse(reader.GetString(1)), Text: reader.GetString(2)));
        foreach (var (id, owner, text) in rows)
        {
            Update($"UPDATE \"{MedicalTextSealing.DescriptionTable}\" SET \"{MedicalTextSealing.DescriptionColumn}\" = $sealed WHERE \"Id\" = $id", id,
                keys.Seal(db, owner, text, MedicalTextSealing.DescriptionTable, Guid.Parse(id)));
        }
        return rows.Count;
    }

    private bool Exists(string table)
    {
        using var command = Command("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $name");
        Parameter(command, "$name", table);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }

    private List<T> Read<T>(string sql, Func<DbDataReader, T> row)
    {
        using var command = Command(sql);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
            rows.Add(row(reader));
        return rows;
    }

    /// <summary>Updates by the id exactly as the row stores it.</summary>
    private void Update(string sql, string id, byte[] sealedValue)
    {
        using var command = Command(sql);
        Parameter(command, "$id", id);
        Parameter(command, "$sealed", sealedValue);
        if (command.ExecuteNonQuery() != 1)
            throw new InvalidOperationException("A row to seal has gone missing.");
    }

    private void Run(string sql)
    {
        using var command = Command(sql);
        command.ExecuteNonQuery();
    }

    private DbCommand Command(string sql)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        return command;
    }

    private static void Parameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Sealed {Profiles} emergency profile(s) and {Descriptions} file description(s) stored in plaintext before; the plaintext is gone")]
    private static partial void LogSealed(ILogger logger, int profiles, int descriptions);
}
