using System.Data;
using System.Data.Common;
using System.Text;

namespace MediVault.Infrastructure.Ledger.Transparency;

/// <summary>
/// The <c>LedgerTreeNodes</c> table: the hash of every complete subtree, keyed by (level, index); level 0 holds the leaf
/// hashes. A proof or a tile reads O(log n) rows by primary key, never a walk of the log.
/// </summary>
internal static class LedgerTreeStore
{
    /// <summary>The number of leaves stored: one more than the highest leaf index.</summary>
    public static async Task<long> SizeAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """SELECT coalesce(max("Index") + 1, 0) FROM "LedgerTreeNodes" WHERE "Level" = 0""";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task InsertAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<(int Level, long Index, byte[] Hash)> nodes,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """INSERT INTO "LedgerTreeNodes" ("Level", "Index", "Hash") VALUES (@level, @index, @hash)""";
        var level = Parameter(command, "@level", DbType.Int32);
        var index = Parameter(command, "@index", DbType.Int64);
        var hash = Parameter(command, "@hash", DbType.Binary);
        foreach (var node in nodes)
        {
            level.Value = node.Level;
            index.Value = node.Index;
            hash.Value = node.Hash;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Reads the given nodes in one query; a node that is not stored is missing from the answer.</summary>
    public static async Task<Dictionary<(int Level, long Index), byte[]>> ReadAsync(
        DbConnection connection, DbTransaction? transaction, IReadOnlyCollection<(int Level, long Index)> wanted,
        CancellationToken cancellationToken)
    {
        var found = new Dictionary<(int, long), byte[]>(wanted.Count);
        if (wanted.Count == 0)
            return found;
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var sql = new StringBuilder("""SELECT "Level", "Index", "Hash" FROM "LedgerTreeNodes" WHERE """);
        var i = 0;
        foreach (var (level, index) in wanted)
        {
            if (i > 0)
                sql.Append(" OR ");
            sql.Append($"(\"Level\" = @l{i} AND \"Index\" = @i{i})");
            Parameter(command, $"@l{i}", DbType.Int32).Value = level;
            Parameter(command, $"@i{i}", DbType.Int64).Value = index;
            i++;
        }

        command.CommandText = sql.ToString();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            found[(reader.GetInt32(0), reader.GetInt64(1))] = (byte[])reader.GetValue(2);
        return found;
    }

    /// <summary>Reads <paramref name="count"/> consecutive nodes of one level, from <paramref name="first"/> on.</summary>
    public static async Task<List<byte[]>> ReadRunAsync(
        DbConnection connection, int level, long first, int count, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText =
            """SELECT "Hash" FROM "LedgerTreeNodes" WHERE "Level" = @level AND "Index" >= @first AND "Index" < @end ORDER BY "Index" """;
        Parameter(command, "@level", DbType.Int32).Value = level;
        Parameter(command, "@first", DbType.Int64).Value = first;
        Parameter(command, "@end", DbType.Int64).Value = first + count;
        var hashes = new List<byte[]>(count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            hashes.Add((byte[])reader.GetValue(0));
        return hashes;
    }

    /// <summary>
    /// Runs a computation over stored nodes with two reads at most: a dry run learns which nodes it needs, one query
    /// fetches them, and the real run uses them.
    /// </summary>
    public static async Task<T> ComputeAsync<T>(
        DbConnection connection, DbTransaction? transaction, Func<Func<int, long, byte[]>, T> computation,
        CancellationToken cancellationToken)
    {
        var wanted = new HashSet<(int, long)>();
        var placeholder = new byte[Rfc6962.HashSize];
        computation((level, index) =>
        {
            wanted.Add((level, index));
            return placeholder;
        });
        var nodes = await ReadAsync(connection, transaction, wanted, cancellationToken);
        return computation((level, index) => nodes.TryGetValue((level, index), out var hash)
            ? hash
            : throw new InvalidOperationException($"The ledger's tree has no node at level {level}, index {index}."));
    }

    /// <summary>The frontier of the stored tree of <paramref name="size"/> leaves.</summary>
    public static async Task<TreeFrontier> FrontierAsync(
        DbConnection connection, DbTransaction? transaction, long size, CancellationToken cancellationToken)
    {
        var ids = TreeFrontier.NodesOf(size).ToList();
        var nodes = await ReadAsync(connection, transaction, ids, cancellationToken);
        return TreeFrontier.From(size, ids.Select(id => nodes.TryGetValue(id, out var hash)
            ? hash
            : throw new InvalidOperationException($"The ledger's tree has no node at level {id.Level}, index {id.Index}.")));
    }

    /// <summary>Adds a named parameter the same way for every engine (each accepts the <c>@name</c> form).</summary>
    internal static DbParameter Parameter(DbCommand command, string name, DbType type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
