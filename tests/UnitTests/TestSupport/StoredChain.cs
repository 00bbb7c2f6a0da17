using MediVault.Domain.Ledger;
using MediVault.Infrastructure.Ledger;
using MediVault.Infrastructure.Ledger.Transparency;
using Microsoft.Data.Sqlite;

namespace MediVault.UnitTests.TestSupport;

/// <summary>
/// A valid chain of ledger entries written straight into a migrated database's LedgerBlocks table, as many as a test
/// needs (far more than appending one by one could write in a unit test), with the Merkle leaves of each entry
/// computed from the documented encoding (docs/ledger.md), not by the verifier under test.
/// </summary>
internal static class StoredChain
{
    /// <param name="subjectOf">Whose record entry <c>i</c> (from 1) is about; by default one patient's, the same for all.</param>
    public static async Task<IReadOnlyList<byte[]>> FillAsync(string databasePath, int count, Func<int, Guid>? subjectOf = null)
    {
        await using var connection = new SqliteConnection(MediVault.Infrastructure.DependencyInjection.ConnectionString(databasePath));
        await connection.OpenAsync();
        await using var transaction = connection.BeginTransaction();
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO "LedgerBlocks" ("Index", "Timestamp", "Kind", "ResourceId", "SubjectId", "PayloadHash", "PreviousHash", "Hash")
            VALUES ($i, $t, $k, $r, $s, $p, $prev, $h)
            """;
        var parameters = new[] { "$i", "$t", "$k", "$r", "$s", "$p", "$prev", "$h" }
            .Select(name => insert.Parameters.Add(new SqliteParameter { ParameterName = name })).ToArray();
        var leaves = new List<byte[]>(count);
        var previous = LedgerEncoding.ZeroHash;
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var subject = Guid.CreateVersion7();
        for (var i = 0; i < count; i++)
        {
            var timestamp = start.AddMilliseconds(i * 37L);
            var kind = i == 0 ? LedgerBlockKind.Genesis : LedgerBlockKind.FileUploaded;
            var resource = i == 0 ? Guid.Empty : Guid.CreateVersion7();
            var payload = i == 0 ? LedgerEncoding.ZeroHash : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(resource.ToByteArray()));
            var encoding = LedgerEncoding.Encode(i, timestamp, kind, resource, payload, previous);
            var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(encoding));
            leaves.Add(System.Security.Cryptography.SHA256.HashData([0x00, .. encoding]));
            parameters[0].Value = (long)i;
            parameters[1].Value = timestamp; // Microsoft.Data.Sqlite writes "yyyy-MM-dd HH:mm:ss.FFFFFFF", as EF Core does
            parameters[2].Value = kind;
            parameters[3].Value = resource.ToString().ToUpperInvariant();
            parameters[4].Value = (i == 0 ? Guid.Empty : subjectOf?.Invoke(i) ?? subject).ToString().ToUpperInvariant();
            parameters[5].Value = payload;
            parameters[6].Value = previous;
            parameters[7].Value = hash;
            await insert.ExecuteNonQueryAsync();
            previous = hash;
        }

        await transaction.CommitAsync();
        return leaves;
    }

    /// <summary>The RFC 6962 root of the first <paramref name="size"/> leaves, one leaf at a time.</summary>
    public static byte[] RootOf(IReadOnlyList<byte[]> leaves, int size)
    {
        var tree = new TreeFrontier();
        foreach (var leaf in leaves.Take(size))
            tree.Append(leaf, static (_, _, _) => { });
        return tree.Root();
    }
}
