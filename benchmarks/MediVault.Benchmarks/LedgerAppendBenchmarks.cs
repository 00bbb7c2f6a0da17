using BenchmarkDotNet.Attributes;
using MediVault.Application.Common.Abstractions;
using MediVault.Domain.Ledger;
using MediVault.Infrastructure;
using MediVault.Infrastructure.Ledger;
using MediVault.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Benchmarks;

/// <summary>
/// Group commit (issue 11): <see cref="Appends"/> ledger appends from <see cref="Writers"/> concurrent writers, each
/// with its own DbContext as a request has, into a real SQLite file in WAL mode with synchronous=FULL (every commit
/// fsyncs). Entries per second = Appends / mean time.
/// </summary>
[MemoryDiagnoser]
public class LedgerAppendBenchmarks
{
    private string _folder = "";
    private string _connectionString = "";
    private LedgerWriter _writer = null!;

    [Params(64)]
    public int Writers { get; set; }

    public const int Appends = 2_000;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "medivault-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        _connectionString = DependencyInjection.ConnectionString(Path.Combine(_folder, "medivault.db"));
        using var db = NewContext();
        db.Database.Migrate();
        db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
        _writer = new LedgerWriter(_connectionString, TimeProvider.System);
        _writer.AppendAsync(db, null, null).GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = Appends)]
    public async Task ConcurrentAppends()
    {
        var perWriter = Appends / Writers;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(async _ =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                await using var db = NewContext();
                await _writer.AppendAsync(db, new LedgerEvent(LedgerBlockKind.QrAccessed, Guid.CreateVersion7(), Guid.CreateVersion7(), new string('a', 64)), null);
            }
        }));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private DbContextOptions<AppDbContext>? _options;

    /// <summary>One options instance for every context, as the app's dependency injection has.</summary>
    private AppDbContext NewContext()
    {
        _options ??= BenchmarkDatabase.Options(_connectionString);
        return new AppDbContext(_options);
    }
}
