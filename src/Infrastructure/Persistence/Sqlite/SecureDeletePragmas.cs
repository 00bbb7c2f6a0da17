using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace MediVault.Infrastructure.Persistence;

/// <summary>
/// Sets, on every connection as it opens: <c>secure_delete</c>, so SQLite overwrites deleted and replaced content
/// with zeros instead of leaving it in free space, and <c>journal_size_limit = 0</c>, so the write-ahead log is cut
/// back to nothing whenever a checkpoint has copied it all, rather than keeping old pages in its tail.
/// </summary>
internal sealed class SecureDeletePragmas : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA secure_delete = ON; PRAGMA journal_size_limit = 0;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default) =>
        ApplyAsync(connection, cancellationToken);

    /// <summary>The same settings on a connection EF Core does not open (the ledger's own).</summary>
    public static async Task ApplyAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
