using MediVault.Application.Common.Abstractions;
using MediVault.Domain.Ledger;
using MediVault.Infrastructure.Ledger;
using MediVault.Infrastructure.Ledger.Transparency;
using MediVault.UnitTests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace MediVault.UnitTests.Infrastructure.Ledger;

public sealed class HashChainLedgerTests : IAsyncLifetime, IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero));
    private SqliteTestDatabase _database = null!;

    private LedgerWriter _writer = null!;
    private CheckpointLog _checkpoints = null!;

    public async Task InitializeAsync()
    {
        _database = await SqliteTestDatabase.CreateAsync();
        var connectionString = MediVault.Infrastructure.DependencyInjection.ConnectionString(_database.Path);
        _writer = new LedgerWriter(connectionString, _clock);
        _checkpoints = new CheckpointLog(connectionString, NoteSigner.FromSeed("test.example/ledger", new byte[32]), TimeSpan.Zero, _clock);
    }

    public async Task DisposeAsync()
    {
        await _writer.DisposeAsync();
        await _database.DisposeAsync();
    }

    public void Dispose() => _checkpoints.Dispose();

    private HashChainLedger NewLedger(out Persistence db)
    {
        db = new Persistence(_database.NewContext());
        return new HashChainLedger(db.Context, _writer, _checkpoints);
    }

    private static LedgerEvent Upload() =>
        new(LedgerBlockKind.FileUploaded, Guid.CreateVersion7(), Guid.CreateVersion7(), new string('b', 64));

    [Fact]
    public async Task EnsureGenesis_EmptyLedger_WritesBlockZero()
    {
        var ledger = NewLedger(out var db);
        using var _ = db;

        await ledger.EnsureGenesisAsync(CancellationToken.None);
        await ledger.EnsureGenesisAsync(CancellationToken.None);

        var blocks = await db.Context.LedgerBlocks.AsNoTracking().ToListAsync();
        blocks.Should().ContainSingle().Which.Should().BeEquivalentTo(new
        {
            Index = 0L,
            Kind = LedgerBlockKind.Genesis,
            ResourceId = Guid.Empty,
            PreviousHash = LedgerEncoding.ZeroHash,
        });
    }

    [Fact]
    public async Task Commit_AfterGenesis_LinksTheBlockToItsPredecessor()
    {
        var ledger = NewLedger(out var db);
        using var _ = db;
        await ledger.EnsureGenesisAsync(CancellationToken.None);
        var genesis = await db.Context.LedgerBlocks.AsNoTracking().SingleAsync();

        var block = await ledger.CommitAsync(Upload(), null, CancellationToken.None);

        block.Index.Should().Be(1);
        block.PreviousHash.Should().Be(genesis.Hash);
        block.Hash.Should().Be(HashChainLedger.HashOf(block));
        (await ledger.VerifyBlockAsync(1, CancellationToken.None)).Should().BeTrue();
    }

    [Fact]
    public async Task Commit_WithPendingChanges_SavesThemInTheSameTransaction()
    {
        var ledger = NewLedger(out var db);
        using var _ = db;
        var entry = MediVault.Domain.Audit.AccessLogEntry.Create(Guid.CreateVersion7(), _clock.GetUtcNow().UtcDateTime,
            MediVault.Domain.Audit.AccessAction.FileUploaded, null, "x", MediVault.Domain.Audit.ActorRole.Patient, "file", null, null, null,
            MediVault.Domain.Audit.AccessOutcome.Success);
        db.Context.AccessLogEntries.Add(entry);
        long seenIndex = -1;

        await ledger.CommitAsync(Upload(), b => seenIndex = b.Index, CancellationToken.None);

        seenIndex.Should().Be(1, "an empty ledger gets its genesis block in the same commit");
        using var check = new Persistence(_database.NewContext());
        (await check.Context.AccessLogEntries.CountAsync()).Should().Be(1);
    }

    [Fact]
    public async Task Commit_FiftyAtOnce_LeavesOneValidChain()
    {
        var setup = NewLedger(out var setupDb);
        using (setupDb)
            await setup.EnsureGenesisAsync(CancellationToken.None);

        await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            var ledger = NewLedger(out var db);
            using (db)
                await ledger.CommitAsync(Upload(), null, CancellationToken.None);
        }));

        var verifier = NewLedger(out var verifyDb);
        using var __ = verifyDb;
        var result = await verifier.VerifyAsync(CancellationToken.None);
        result.Should().Be(new LedgerVerification(true, 51, result.HeadHash, null));
        (await verifyDb.Context.LedgerBlocks.Select(b => b.Index).ToListAsync()).Should().BeEquivalentTo(Enumerable.Range(0, 51).Select(i => (long)i));
    }

    [Theory]
    [InlineData("UPDATE LedgerBlocks SET PayloadHash = 'cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc' WHERE \"Index\" = 2")]
    [InlineData("UPDATE LedgerBlocks SET Kind = 'file-deleted' WHERE \"Index\" = 2")]
    [InlineData("UPDATE LedgerBlocks SET Timestamp = '2026-11-24 11:00:00' WHERE \"Index\" = 2")]
    [InlineData("UPDATE LedgerBlocks SET ResourceId = '00000000-0000-0000-0000-000000000001' WHERE \"Index\" = 2")]
    [InlineData("UPDATE LedgerBlocks SET Hash = 'not a hash' WHERE \"Index\" = 2")]
    [InlineData("DELETE FROM LedgerBlocks WHERE \"Index\" = 2")]
    public async Task Verify_BlockTwoEditedInTheDatabase_ReportsIndexTwo(string sql)
    {
        var ledger = NewLedger(out var db);
        using var _ = db;
        for (var i = 0; i < 4; i++)
            await ledger.CommitAsync(Upload(), null, CancellationToken.None);
        await db.Context.Database.ExecuteSqlRawAsync(sql);

        var result = await ledger.VerifyAsync(CancellationToken.None);

        result.Valid.Should().BeFalse();
        result.FirstInvalidIndex.Should().Be(2);
    }

    /// <summary>
    /// A forger who rewrites a block and recomputes its hash: every block is sound on its own, and only the
    /// previousHash link shows where the chain was cut. Without the link check the ledger would read as valid.
    /// </summary>
    [Fact]
    public async Task Verify_BlockRewrittenWithAConsistentHashButAnotherPredecessor_ReportsThatBlock()
    {
        var ledger = NewLedger(out var db);
        using var _ = db;
        for (var i = 0; i < 4; i++)
            await ledger.CommitAsync(Upload(), null, CancellationToken.None);
        var block = await db.Context.LedgerBlocks.AsNoTracking().SingleAsync(b => b.Index == 2);
        var forgedPrevious = new string('e', 64);
        var forgedHash = LedgerEncoding.ComputeHash(block.Index, block.Timestamp, block.Kind, block.ResourceId, block.PayloadHash, forgedPrevious);
        await db.Context.LedgerBlocks.Where(b => b.Index == 2)
            .ExecuteUpdateAsync(set => set.SetProperty(b => b.PreviousHash, forgedPrevious).SetProperty(b => b.Hash, forgedHash));

        var result = await ledger.VerifyAsync(CancellationToken.None);

        result.Valid.Should().BeFalse();
        result.FirstInvalidIndex.Should().Be(2);
        (await ledger.VerifyBlockAsync(2, CancellationToken.None)).Should().BeFalse();
        (await ledger.VerifyBlockAsync(1, CancellationToken.None)).Should().BeTrue("the blocks before the cut are untouched");
    }

    [Fact]
    public async Task Verify_GenesisWithANonZeroPredecessor_ReportsIndexZero()
    {
        var ledger = NewLedger(out var db);
        using var _ = db;
        await ledger.CommitAsync(Upload(), null, CancellationToken.None);
        var genesis = await db.Context.LedgerBlocks.AsNoTracking().SingleAsync(b => b.Index == 0);
        var forgedPrevious = new string('1', 64);
        var forgedHash = LedgerEncoding.ComputeHash(0, genesis.Timestamp, genesis.Kind, genesis.ResourceId, genesis.PayloadHash, forgedPrevious);
        await db.Context.LedgerBlocks.Where(b => b.Index == 0)
            .ExecuteUpdateAsync(set => set.SetProperty(b => b.PreviousHash, forgedPrevious).SetProperty(b => b.Hash, forgedHash));

        var result = await ledger.VerifyAsync(CancellationToken.None);

        result.FirstInvalidIndex.Should().Be(0);
        (await ledger.VerifyBlockAsync(0, CancellationToken.None)).Should().BeFalse();
    }

    private static async Task CommitAsync(HashChainLedger ledger, int count)
    {
        for (var i = 0; i < count; i++)
            await ledger.CommitAsync(Upload(), null, CancellationToken.None);
    }

    /// <summary>A log that signs with another key, on the same tables: a forger's, or a key swapped on the server.</summary>
    private CheckpointLog OtherKeysLog() =>
        new(MediVault.Infrastructure.DependencyInjection.ConnectionString(_database.Path),
            NoteSigner.FromSeed("test.example/ledger", Enumerable.Repeat((byte)7, 32).ToArray()), TimeSpan.Zero, _clock);

    [Fact]
    public async Task Verify_CheckpointsSignedByThisLog_IsValid()
    {
        var ledger = NewLedger(out var db);
        using var _ = db;
        await CommitAsync(ledger, 2);
        await _checkpoints.SignIfGrownAsync(CancellationToken.None);
        await CommitAsync(ledger, 2);
        (await _checkpoints.SignIfGrownAsync(CancellationToken.None))!.Size.Should().Be(5);

        var result = await ledger.VerifyAsync(CancellationToken.None);

        result.Valid.Should().BeTrue(result.Problem);
        result.Length.Should().Be(5);
    }

    [Fact]
    public async Task Verify_NewestEntryDeletedAfterACheckpoint_ReportsTheRemovalAtTheNewLength()
    {
        var ledger = NewLedger(out var db);
        using var _ = db;
        await CommitAsync(ledger, 3);
        await _checkpoints.SignIfGrownAsync(CancellationToken.None);
        await db.Context.Database.ExecuteSqlRawAsync("DELETE FROM LedgerBlocks WHERE \"Index\" = 3");

        var result = await ledger.VerifyAsync(CancellationToken.None);

        result.Valid.Should().BeFalse();
        result.FirstInvalidIndex.Should().Be(3);
        result.Length.Should().Be(3);
        result.Problem.Should().Contain("only 3").And.Contain("entries were removed");
    }

    [Fact]
    public async Task Verify_NewestEntryAndItsLeafDeletedAfterACheckpoint_ReportsThatTheCheckpointCoversMore()
    {
        var ledger = NewLedger(out var db);
        using var _ = db;
        await CommitAsync(ledger, 3);
        await _checkpoints.SignIfGrownAsync(CancellationToken.None);
        await db.Context.Database.ExecuteSqlRawAsync("DELETE FROM LedgerBlocks WHERE \"Index\" = 3");
        await db.Context.Database.ExecuteSqlRawAsync("DELETE FROM LedgerTreeNodes WHERE \"Level\" = 0 AND \"Index\" = 3");

        var result = await ledger.VerifyAsync(CancellationToken.None);

        result.Valid.Should().BeFalse();
        result.FirstInvalidIndex.Should().Be(3);
        result.Length.Should().Be(3);
        result.Problem.Should().Contain("checkpoint covers 4 entries").And.Contain("only 3");
    }

    [Fact]
    public async Task Verify_LatestCheckpointSignedByAnotherKey_IsInvalid()
    {
        var ledger = NewLedger(out var db);
        using var _ = db;
        await CommitAsync(ledger, 2);
        await _checkpoints.SignIfGrownAsync(CancellationToken.None);
        await CommitAsync(ledger, 1);
        using var other = OtherKeysLog();
        await other.SignIfGrownAsync(CancellationToken.None);

        var result = await ledger.VerifyAsync(CancellationToken.None);

        result.Valid.Should().BeFalse();
        result.FirstInvalidIndex.Should().BeNull();
        result.Problem.Should().Be($"The latest checkpoint (size 4) does not verify with this log's key {_checkpoints.Signer.VerifierKey}.");
    }

    [Fact]
    public async Task Verify_AnEarlierCheckpointSignedByAnotherKey_IsInvalid()
    {
        var ledger = NewLedger(out var db);
        using var _ = db;
        await CommitAsync(ledger, 2);
        using (var other = OtherKeysLog())
            await other.SignIfGrownAsync(CancellationToken.None);
        await CommitAsync(ledger, 1);
        await _checkpoints.SignIfGrownAsync(CancellationToken.None);

        var result = await ledger.VerifyAsync(CancellationToken.None);

        result.Valid.Should().BeFalse();
        result.Problem.Should().Be("The checkpoint of size 3 was signed by another key than this log's.");
    }

    [Fact]
    public async Task Verify_UntouchedChain_IsValidWithTheHeadHash()
    {
        var ledger = NewLedger(out var db);
        using var _ = db;
        LedgerBlock last = null!;
        for (var i = 0; i < 3; i++)
            last = await ledger.CommitAsync(Upload(), null, CancellationToken.None);

        var result = await ledger.VerifyAsync(CancellationToken.None);

        result.Should().Be(new LedgerVerification(true, 4, last.Hash, null));
    }

    /// <summary>More entries than two chunks: on SQLite, with more than one core, the verifier reads such a log in parallel.</summary>
    private const int LongLog = 2 * HashChainLedger.Chunk + 1;

    [Fact]
    public async Task Verify_EmptyLog_IsValidWithNoEntries()
    {
        var ledger = NewLedger(out var db);
        using var _ = db;

        var result = await ledger.VerifyAsync(CancellationToken.None);

        result.Should().Be(new LedgerVerification(true, 0, "", null));
    }

    [Fact]
    public async Task Verify_LongIntactLog_IsValidWithTheLastEntrysHash()
    {
        await StoredChain.FillAsync(_database.Path, LongLog);
        var ledger = NewLedger(out var db);
        using var _ = db;
        var last = await db.Context.LedgerBlocks.AsNoTracking().SingleAsync(b => b.Index == LongLog - 1);

        var result = await ledger.VerifyAsync(CancellationToken.None);

        result.Should().Be(new LedgerVerification(true, LongLog, last.Hash, null));
    }

    /// <summary>
    /// Rows whose indexes are not exactly 0..n−1 go through the general walk, which reads every stored row: a reader of
    /// the index range 0..n−1 would not see a row moved out of it, and would count one row too few.
    /// </summary>
    [Theory]
    [InlineData(0, -1, 0)]
    [InlineData(LongLog - 1, LongLog + 1, LongLog - 1)]
    public async Task Verify_LongLogWithAnEntryMovedOutOfItsIndexRange_ReportsItsPlace_AndCountsEveryRow(long from, long to, long reported)
    {
        await StoredChain.FillAsync(_database.Path, LongLog);
        var ledger = NewLedger(out var db);
        using var _ = db;
        await db.Context.Database.ExecuteSqlRawAsync("UPDATE LedgerBlocks SET \"Index\" = {0} WHERE \"Index\" = {1}", to, from);

        var result = await ledger.VerifyAsync(CancellationToken.None);

        result.Valid.Should().BeFalse();
        result.FirstInvalidIndex.Should().Be(reported);
        result.Length.Should().Be(LongLog);
    }

    [Fact]
    public async Task Verify_LongLogWithAnEntryInAnUnusualShape_ReportsThatEntry()
    {
        await StoredChain.FillAsync(_database.Path, LongLog);
        var ledger = NewLedger(out var db);
        using var _ = db;
        await db.Context.Database.ExecuteSqlRawAsync("UPDATE LedgerBlocks SET Kind = 'a-kind-far-longer-than-any-stored-one' WHERE \"Index\" = 10000");

        var result = await ledger.VerifyAsync(CancellationToken.None);

        result.Valid.Should().BeFalse();
        result.FirstInvalidIndex.Should().Be(10000);
        result.Length.Should().Be(LongLog);
    }

    [Fact]
    public async Task CommitIf_NoEvent_ThrowsArgumentNullException_AndAppendsNothing()
    {
        var ledger = NewLedger(out var db);
        using var _ = db;
        await ledger.EnsureGenesisAsync(CancellationToken.None);

        var act = () => ledger.CommitIfAsync(null!, _ => Task.FromResult(true), CancellationToken.None);

        (await act.Should().ThrowAsync<ArgumentNullException>()).WithParameterName("ledgerEvent");
        (await db.Context.LedgerBlocks.CountAsync()).Should().Be(1, "only the genesis entry");
    }

    /// <summary>A request already cancelled (its client gone) appends nothing: no entry for a change that was never saved.</summary>
    [Theory]
    [InlineData("commit")]
    [InlineData("commit-if")]
    [InlineData("genesis")]
    public async Task AnAppendAskedWithACancelledToken_ThrowsOperationCanceled_AndAppendsNothing(string append)
    {
        var ledger = NewLedger(out var db);
        using var _ = db;
        if (append != "genesis")
            await ledger.EnsureGenesisAsync(CancellationToken.None);
        var before = await db.Context.LedgerBlocks.CountAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        Func<Task> act = append switch
        {
            "commit" => () => ledger.CommitAsync(Upload(), null, cancelled.Token),
            "commit-if" => () => ledger.CommitIfAsync(Upload(), _ => Task.FromResult(true), cancelled.Token),
            _ => () => ledger.EnsureGenesisAsync(cancelled.Token),
        };

        await act.Should().ThrowAsync<OperationCanceledException>();
        (await db.Context.LedgerBlocks.CountAsync()).Should().Be(before);
    }

    [Fact]
    public async Task VerifyBlock_IntactGenesis_ReturnsTrue_AndAfterItsHashIsEdited_False()
    {
        var ledger = NewLedger(out var db);
        using var _ = db;
        await ledger.EnsureGenesisAsync(CancellationToken.None);
        await ledger.CommitAsync(Upload(), null, CancellationToken.None);

        (await ledger.VerifyBlockAsync(0, CancellationToken.None)).Should().BeTrue("the genesis entry links to the zero hash, not to an entry before it");
        await db.Context.Database.ExecuteSqlRawAsync(
            "UPDATE LedgerBlocks SET Hash = 'dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd' WHERE \"Index\" = 0");
        (await ledger.VerifyBlockAsync(0, CancellationToken.None)).Should().BeFalse();
    }

    [Fact]
    public async Task VerifyBlock_PredecessorRewritten_ReturnsFalse()
    {
        var ledger = NewLedger(out var db);
        using var _ = db;
        await ledger.CommitAsync(Upload(), null, CancellationToken.None);
        await ledger.CommitAsync(Upload(), null, CancellationToken.None);
        await db.Context.Database.ExecuteSqlRawAsync(
            "UPDATE LedgerBlocks SET Hash = 'dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd' WHERE \"Index\" = 1");

        (await ledger.VerifyBlockAsync(2, CancellationToken.None)).Should().BeFalse();
        (await ledger.VerifyBlockAsync(99, CancellationToken.None)).Should().BeFalse();
    }

    [Fact]
    public async Task Commit_UnknownKindCharacters_Throws()
    {
        var ledger = NewLedger(out var db);
        using var _ = db;

        var act = () => ledger.CommitAsync(new LedgerEvent("File Uploaded", Guid.NewGuid(), Guid.NewGuid(), new string('b', 64)), null, CancellationToken.None);

        await act.Should().ThrowAsync<ArgumentException>();
    }

    private sealed class Persistence(MediVault.Infrastructure.Persistence.AppDbContext context) : IDisposable
    {
        public MediVault.Infrastructure.Persistence.AppDbContext Context { get; } = context;
        public void Dispose() => Context.Dispose();
    }
}
