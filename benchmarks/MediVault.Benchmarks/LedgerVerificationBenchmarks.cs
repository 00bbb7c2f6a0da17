using BenchmarkDotNet.Attributes;
using MediVault.Application.Common.Abstractions;
using MediVault.Domain.Ledger;
using MediVault.Infrastructure;
using MediVault.Infrastructure.Ledger;
using MediVault.Infrastructure.Ledger.Transparency;
using MediVault.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Benchmarks;

/// <summary>
/// <see cref="HashChainLedger.VerifyAsync"/> (chain, Merkle tree and checkpoints) over a real SQLite file holding a valid log of 1,000,000 entries
/// (built once in the global setup, which is not measured).
/// </summary>
[MemoryDiagnoser]
public class LedgerVerificationBenchmarks
{
    private string _folder = "";
    private AppDbContext _db = null!;
    private LedgerWriter _writer = null!;
    private CheckpointLog _checkpoints = null!;

    [Params(1_000_000)]
    public int Blocks { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "medivault-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        _db = NewContext(Path.Combine(_folder, "medivault.db"));
        _db.Database.Migrate();
        _db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
        FillChain(_db, Blocks);
        // As a migrated vault does at its first start: the entries get their leaves, then a checkpoint is signed.
        var connectionString = DependencyInjection.ConnectionString(Path.Combine(_folder, "medivault.db"));
        _writer = new LedgerWriter(connectionString, TimeProvider.System);
        _writer.AppendAsync(_db, null, null).GetAwaiter().GetResult();
        _checkpoints = new CheckpointLog(connectionString, NoteSigner.FromSeed("bench.example/ledger", new byte[32]), TimeSpan.Zero, TimeProvider.System);
        _checkpoints.SignIfGrownAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    [Benchmark]
    public async Task<LedgerVerification> VerifyChain()
    {
        var result = await new HashChainLedger(_db, _writer, _checkpoints).VerifyAsync(CancellationToken.None);
        return result.Valid && result.Length == Blocks ? result : throw new InvalidOperationException("The benchmark chain is not valid.");
    }

    /// <summary>
    /// A receipt at 1,000,000 entries, as GET /api/ledger/entries/{index}/receipt computes it: the entry, the latest
    /// checkpoint, the inclusion proof's nodes in one query (at most 20 hashes), the text.
    /// </summary>
    [Benchmark]
    public async Task<string> ReceiptAtAMillion()
    {
        var receipt = await new TransparencyLog(_db, _checkpoints).ReceiptAsync(Blocks / 2 + 1, CancellationToken.None)
            ?? throw new InvalidOperationException("No receipt.");
        // The proof hashes are the lines after "index <n>" and before the blank line that precedes the checkpoint.
        var proofLines = receipt.Split('\n').SkipWhile(line => !line.StartsWith("index ", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(line => line.Length > 0).Count();
        return proofLines <= 20 ? receipt : throw new InvalidOperationException($"{proofLines} proof hashes.");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _db.Dispose();
        _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _checkpoints.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static AppDbContext NewContext(string path)
    {
        return new AppDbContext(BenchmarkDatabase.Options(DependencyInjection.ConnectionString(path)));
    }

    /// <summary>Inserts a valid chain the way the app stores it (EF Core's SQLite text formats for dates and GUIDs).</summary>
    private static void FillChain(AppDbContext db, int count)
    {
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO "LedgerBlocks" ("Index", "Timestamp", "Kind", "ResourceId", "SubjectId", "PayloadHash", "PreviousHash", "Hash")
            VALUES ($i, $t, $k, $r, $s, $p, $prev, $h)
            """;
        var parameters = new[] { "$i", "$t", "$k", "$r", "$s", "$p", "$prev", "$h" }.Select(n => insert.Parameters.Add(new SqliteParameter { ParameterName = n })).ToArray();
        var previous = LedgerEncoding.ZeroHash;
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var subject = Guid.CreateVersion7();
        for (var i = 0; i < count; i++)
        {
            var timestamp = start.AddMilliseconds(i * 37L);
            var kind = i == 0 ? LedgerBlockKind.Genesis : LedgerBlockKind.FileUploaded;
            var resource = i == 0 ? Guid.Empty : Guid.CreateVersion7();
            var payload = i == 0 ? LedgerEncoding.ZeroHash : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(resource.ToByteArray()));
            var hash = LedgerEncoding.ComputeHash(i, timestamp, kind, resource, payload, previous);
            parameters[0].Value = (long)i;
            parameters[1].Value = timestamp; // Microsoft.Data.Sqlite writes "yyyy-MM-dd HH:mm:ss.FFFFFFF", as EF Core does
            parameters[2].Value = kind;
            parameters[3].Value = resource.ToString().ToUpperInvariant();
            parameters[4].Value = (i == 0 ? Guid.Empty : subject).ToString().ToUpperInvariant();
            parameters[5].Value = payload;
            parameters[6].Value = previous;
            parameters[7].Value = hash;
            insert.ExecuteNonQuery();
            previous = hash;
        }
        transaction.Commit();
        connection.Close();
    }
}
