using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace MediVault.Infrastructure.Persistence;

/// <summary>
/// Sets, on every connection as it opens: <c>secure_delete</c>, so SQLite overwrites deleted and replaced content
/// with zeros instead of leaving it in free space, and <c>journal_size_limit = 0</c>, so the write-ahead log is cut
/// back to nothing whenever a checkpoint has copied it all, rather than keeping old pages in its tail.
/// Both are settings of the underlying SQLite connection, which the connection pool keeps open across EF Core's
/// opens and closes, so they are sent once per pooled SQLite handle, not before every query.
/// </summary>
internal sealed class SecureDeletePragmas : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA secure_delete = ON; PRAGMA journal_size_limit = 0;";

    // The SQLite handles the pragmas were sent on; an entry goes when its handle is collected.
    private readonly ConditionalWeakTable<object, object> _prepared = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (IsPrepared(connection))
            return;
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
        MarkPrepared(connection);
    }

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default) =>
        ApplyAsync(connection, cancellationToken);

    /// <summary>The same settings on a connection EF Core does not open (the ledger's own).</summary>
    public async Task ApplyAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        if (IsPrepared(connection))
            return;
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        MarkPrepared(connection);
    }

    private bool IsPrepared(DbConnection connection) =>
        connection is SqliteConnection { Handle: { } handle } && _prepared.TryGetValue(handle, out _);

    private void MarkPrepared(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle })
            _prepared.AddOrUpdate(handle, Done);
    }

    private static readonly object Done = new();
}
