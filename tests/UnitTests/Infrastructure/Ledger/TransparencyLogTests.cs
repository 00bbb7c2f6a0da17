using MediVault.Application.Common.Abstractions;
using MediVault.Domain.Ledger;
using MediVault.Infrastructure.Ledger;
using MediVault.Infrastructure.Ledger.Transparency;
using MediVault.UnitTests.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace MediVault.UnitTests.Infrastructure.Ledger;

/// <summary>
/// Proofs, tiles and receipts over the stored tree (docs/ledger.md), each checked with the RFC 9162 verifiers and the
/// leaf hashes recomputed from the stored blocks' documented encoding, not with what the log under test computed.
/// </summary>
public sealed class TransparencyLogTests : IAsyncLifetime, IDisposable
{
    private const string Origin = "test.example/ledger";
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero));
    private SqliteTestDatabase _database = null!;
    private LedgerWriter _writer = null!;
    private CheckpointLog _checkpoints = null!;
    private MediVault.Infrastructure.Persistence.AppDbContext _context = null!;
    private TransparencyLog _log = null!;

    public async Task InitializeAsync()
    {
        _database = await SqliteTestDatabase.CreateAsync();
        var connectionString = MediVault.Infrastructure.DependencyInjection.ConnectionString(_database.Path);
        _writer = new LedgerWriter(connectionString, _clock);
        _checkpoints = new CheckpointLog(connectionString, NoteSigner.FromSeed(Origin, new byte[32]), TimeSpan.Zero, _clock);
        _context = _database.NewContext();
        _log = new TransparencyLog(_context, _checkpoints);
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        await _writer.DisposeAsync();
        await _database.DisposeAsync();
    }

    public void Dispose()
    {
        _checkpoints.Dispose();
        _guard.Dispose();
    }

    /// <summary>
    /// A ledger of <paramref name="size"/> entries (at least 2) without a checkpoint: all but the last written straight into
    /// the table (<see cref="StoredChain"/>), the last appended by the ledger, which adds the Merkle leaves of every entry.
    /// </summary>
    private async Task LedgerOfAsync(int size)
    {
        await StoredChain.FillAsync(_database.Path, size - 1);
        await GrowAsync(1);
    }

    private async Task GrowAsync(int entries)
    {
        await using var context = _database.NewContext();
        var ledger = new HashChainLedger(context, _writer, _checkpoints);
        for (var i = 0; i < entries; i++)
            await ledger.CommitAsync(new LedgerEvent(LedgerBlockKind.FileUploaded, Guid.CreateVersion7(), Guid.CreateVersion7(), new string('b', 64)), null, CancellationToken.None);
    }

    private async Task<List<byte[]>> LeavesAsync()
    {
        var blocks = await _context.LedgerBlocks.AsNoTracking().OrderBy(b => b.Index).ToListAsync();
        return blocks.Select(b => Rfc6962.LeafHash(LedgerEncoding.Encode(b.Index, b.Timestamp, b.Kind, b.ResourceId, b.PayloadHash, b.PreviousHash))).ToList();
    }

    private static byte[] Root(IReadOnlyList<byte[]> leaves, int size) => StoredChain.RootOf(leaves, size);

    private static Checkpoint Read(string note)
    {
        NoteKeys.TryVerify(note, NoteSigner.FromSeed(Origin, new byte[32]).VerifierKey, out var text).Should().BeTrue("the note is signed by the log's key");
        Checkpoint.TryParse(text, out var checkpoint).Should().BeTrue();
        return checkpoint;
    }

    [Fact]
    public async Task LatestCheckpoint_EmptyLedger_IsNone() =>
        (await _log.LatestCheckpointAsync(CancellationToken.None)).Should().BeNull();

    [Fact]
    public async Task LatestCheckpoint_NoneSignedYet_SignsOneOverTheWholeTree()
    {
        await LedgerOfAsync(3);

        var note = await _log.LatestCheckpointAsync(CancellationToken.None);

        var checkpoint = Read(note!);
        checkpoint.Origin.Should().Be(Origin);
        checkpoint.Size.Should().Be(3);
        checkpoint.Root.Should().Equal(Root(await LeavesAsync(), 3));
        _log.VerifierKey.Should().Be(_checkpoints.Signer.VerifierKey);
    }

    [Fact]
    public async Task LatestCheckpoint_OneSigned_IsThatOneEvenAfterTheLogGrew()
    {
        await LedgerOfAsync(2);
        var signed = await _checkpoints.SignIfGrownAsync(CancellationToken.None);
        await GrowAsync(2);

        (await _log.LatestCheckpointAsync(CancellationToken.None)).Should().Be(signed!.Note);
    }

    [Theory]
    [InlineData(1, 7)]
    [InlineData(3, 7)]
    [InlineData(4, 7)]
    [InlineData(6, 7)]
    public async Task ConsistencyProof_ToTheLatestCheckpoint_VerifiesAgainstBothRoots(int from, int size)
    {
        await LedgerOfAsync(size);
        await _checkpoints.SignIfGrownAsync(CancellationToken.None);
        var leaves = await LeavesAsync();

        var proof = await _log.ConsistencyProofAsync(from, null, CancellationToken.None);

        proof!.From.Should().Be(from);
        proof.To.Should().Be(size);
        Rfc6962.VerifyConsistency(from, size, proof.Proof.Select(Convert.FromBase64String).ToList(), Root(leaves, from), Root(leaves, size))
            .Should().BeTrue();
    }

    [Fact]
    public async Task ConsistencyProof_ToASmallerSizeThanTheCheckpoint_VerifiesAgainstThatSize()
    {
        await LedgerOfAsync(9);
        await _checkpoints.SignIfGrownAsync(CancellationToken.None);
        var leaves = await LeavesAsync();

        var proof = await _log.ConsistencyProofAsync(2, 5, CancellationToken.None);

        proof!.To.Should().Be(5);
        Rfc6962.VerifyConsistency(2, 5, proof.Proof.Select(Convert.FromBase64String).ToList(), Root(leaves, 2), Root(leaves, 5)).Should().BeTrue();
    }

    [Fact]
    public async Task ConsistencyProof_ToExactlyTheCheckpointsSize_IsGiven_AndOneMoreIsNot()
    {
        await LedgerOfAsync(5);
        await _checkpoints.SignIfGrownAsync(CancellationToken.None);
        await GrowAsync(1); // grown, but not signed: no proof may reach past the checkpoint

        (await _log.ConsistencyProofAsync(2, 5, CancellationToken.None)).Should().NotBeNull();
        (await _log.ConsistencyProofAsync(2, 6, CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task ConsistencyProof_NoCheckpoint_IsNone()
    {
        await LedgerOfAsync(3);

        (await _log.ConsistencyProofAsync(1, null, CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task ConsistencyProof_FromPastTheSize_IsEmpty_AndFromTheSizeItselfToo()
    {
        await LedgerOfAsync(4);
        await _checkpoints.SignIfGrownAsync(CancellationToken.None);

        (await _log.ConsistencyProofAsync(5, null, CancellationToken.None)).Should().BeEquivalentTo(new ConsistencyProof(5, 4, []));
        (await _log.ConsistencyProofAsync(4, null, CancellationToken.None)).Should().BeEquivalentTo(new ConsistencyProof(4, 4, []));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public async Task Tile_PartialLevelZeroTile_IsTheLeafHashesInOrder_UpToTheCheckpointsSize(int width)
    {
        await LedgerOfAsync(5);
        await _checkpoints.SignIfGrownAsync(CancellationToken.None);
        var leaves = await LeavesAsync();

        var tile = await _log.TileAsync(new TileAddress(0, 0, width), CancellationToken.None);

        tile.Should().Equal(leaves.Take(width).SelectMany(l => l));
    }

    [Fact]
    public async Task Tile_WiderThanTheCheckpointedTree_IsNone_EvenWhenTheLeavesAreStored()
    {
        await LedgerOfAsync(5);
        await _checkpoints.SignIfGrownAsync(CancellationToken.None);
        await GrowAsync(1);

        (await _log.TileAsync(new TileAddress(0, 0, 6), CancellationToken.None)).Should().BeNull();
    }

    /// <summary>A row in LedgerCheckpoints of <paramref name="size"/> leaves, as if signed when the tree had that size.</summary>
    private async Task StoreCheckpointRowAsync(long size)
    {
        await using var connection = new SqliteConnection(MediVault.Infrastructure.DependencyInjection.ConnectionString(_database.Path));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """INSERT INTO "LedgerCheckpoints" ("TreeSize", "RootHash", "Note", "CreatedAt") VALUES ($size, zeroblob(32), '', '')""";
        command.Parameters.AddWithValue("$size", size);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Tile_ALevelOneNodePastTheCheckpoint_IsNone_EvenWhenItIsStored()
    {
        await LedgerOfAsync(512); // both level-8 nodes stored
        await StoreCheckpointRowAsync(257);

        (await _log.TileAsync(new TileAddress(1, 0, 1), CancellationToken.None)).Should().NotBeNull();
        (await _log.TileAsync(new TileAddress(1, 0, 2), CancellationToken.None)).Should().BeNull("the checkpoint holds one complete subtree of 256");
    }

    [Fact]
    public async Task Tile_NodesTheCheckpointCoversButNotAllStored_IsNone()
    {
        await LedgerOfAsync(3);
        await StoreCheckpointRowAsync(5);

        (await _log.TileAsync(new TileAddress(0, 0, 5), CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task Tile_Null_IsAnArgumentNullException() =>
        await FluentActions.Awaiting(() => _log.TileAsync(null!, CancellationToken.None)).Should().ThrowAsync<ArgumentNullException>();

    [Fact]
    public async Task Tile_NoCheckpoint_IsNone()
    {
        await LedgerOfAsync(3);

        (await _log.TileAsync(new TileAddress(0, 0, 1), CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task Tile_BeyondTheTree_IsNone()
    {
        await LedgerOfAsync(5);
        await _checkpoints.SignIfGrownAsync(CancellationToken.None);

        (await _log.TileAsync(new TileAddress(0, 1, 1), CancellationToken.None)).Should().BeNull("the second level-0 tile starts at leaf 256");
        (await _log.TileAsync(new TileAddress(1, 0, 1), CancellationToken.None)).Should().BeNull("a level-1 tile holds subtrees of 256 leaves");
    }

    [Fact]
    public async Task Tile_ALevelOneNode_IsTheRootOfItsFull256LeafSubtree()
    {
        await LedgerOfAsync(257);
        await _checkpoints.SignIfGrownAsync(CancellationToken.None);
        var leaves = await LeavesAsync();

        var tile = await _log.TileAsync(new TileAddress(1, 0, 1), CancellationToken.None);

        tile.Should().Equal(Root(leaves, 256));
        (await _log.TileAsync(new TileAddress(1, 0, 2), CancellationToken.None)).Should().BeNull("the second subtree of 256 is not complete");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(5)]
    public async Task Receipt_IsTheEntryItsInclusionProofAndTheCheckpoint(int index)
    {
        await LedgerOfAsync(6);
        await _checkpoints.SignIfGrownAsync(CancellationToken.None);
        var leaves = await LeavesAsync();
        var block = await _context.LedgerBlocks.AsNoTracking().SingleAsync(b => b.Index == index);

        var receipt = (await _log.ReceiptAsync(index, CancellationToken.None))!;

        var blank = receipt.IndexOf("\n\n", StringComparison.Ordinal);
        var (head, note) = (receipt[..blank], receipt[(blank + 2)..]);
        var lines = head.Split('\n');
        lines[0].Should().Be("c2sp.org/tlog-proof@v1");
        lines[1].Should().Be("extra " + Convert.ToBase64String(LedgerEncoding.Encode(block.Index, block.Timestamp, block.Kind, block.ResourceId, block.PayloadHash, block.PreviousHash)));
        lines[2].Should().Be($"index {index}");
        var checkpoint = Read(note);
        checkpoint.Size.Should().Be(6);
        var proof = lines[3..].Select(Convert.FromBase64String).ToList();
        Rfc6962.VerifyInclusion(index, 6, leaves[index], proof, checkpoint.Root).Should().BeTrue();
    }

    [Fact]
    public async Task Receipt_EntryPastTheLatestCheckpoint_SignsANewOneThatCoversIt()
    {
        await LedgerOfAsync(2);
        await _checkpoints.SignIfGrownAsync(CancellationToken.None);
        await GrowAsync(2);

        var receipt = (await _log.ReceiptAsync(3, CancellationToken.None))!;

        Read(receipt[(receipt.IndexOf("\n\n", StringComparison.Ordinal) + 2)..]).Size.Should().Be(4);
    }

    [Fact]
    public async Task Receipt_EntryWhoseLeafIsNotInTheTreeYet_IsNone()
    {
        await StoredChain.FillAsync(_database.Path, 3); // the entries only: no Merkle leaves, so no checkpoint can cover them

        (await _log.ReceiptAsync(1, CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task Receipt_UnknownIndex_IsNone()
    {
        await LedgerOfAsync(3);

        (await _log.ReceiptAsync(3, CancellationToken.None)).Should().BeNull();
        (await _log.ReceiptAsync(-1, CancellationToken.None)).Should().BeNull();
    }

    /// <summary>
    /// Longer than this machine has been up, and so than the whole span of Environment.TickCount64 (on which CheckpointLog
    /// times its interval), yet within Task.Delay's limit of 49.7 days.
    /// </summary>
    private static readonly TimeSpan LongInterval = TimeSpan.FromDays(40);

    /// <summary>A second log on the same database, as another instance of the app would have, with its own interval.</summary>
    private CheckpointLog AnotherInstance(TimeSpan interval) =>
        new(MediVault.Infrastructure.DependencyInjection.ConnectionString(_database.Path), NoteSigner.FromSeed(Origin, new byte[32]), interval, _clock);

    /// <summary>A guard for a test whose wrong outcome would be a wait of days: 30 s, then the wait is cancelled and the test fails.</summary>
    private readonly CancellationTokenSource _guard = new(TimeSpan.FromSeconds(30));

    private CancellationToken Guard() => _guard.Token;

    private async Task<List<(long Size, string CreatedAt)>> StoredCheckpointsAsync()
    {
        await using var connection = new SqliteConnection(MediVault.Infrastructure.DependencyInjection.ConnectionString(_database.Path));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """SELECT "TreeSize", "CreatedAt" FROM "LedgerCheckpoints" ORDER BY "TreeSize" """;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(long, string)>();
        while (await reader.ReadAsync())
            rows.Add((reader.GetInt64(0), reader.GetString(1)));
        return rows;
    }

    [Fact]
    public async Task SignIfGrown_EmptyLedger_SignsAndStoresNothing()
    {
        (await _checkpoints.SignIfGrownAsync(CancellationToken.None)).Should().BeNull();

        (await StoredCheckpointsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task SignIfGrown_StoresTheCheckpointWithTheClocksTime()
    {
        await LedgerOfAsync(2);

        await _checkpoints.SignIfGrownAsync(CancellationToken.None);

        (await StoredCheckpointsAsync()).Should().Equal((2L, "2026-11-24T10:00:00.0000000Z"));
    }

    [Fact]
    public async Task Covering_NothingSignedByThisInstanceYet_SignsAtOnce_HoweverLongItsInterval()
    {
        await LedgerOfAsync(3);
        using var log = AnotherInstance(LongInterval);

        var covering = await log.CoveringAsync(3, Guard());

        covering!.Size.Should().Be(3);
    }

    [Fact]
    public async Task Covering_NotGrownSinceAnotherInstanceSigned_CountsAsNoSignatureOfItsOwn()
    {
        await LedgerOfAsync(2);
        await _checkpoints.SignIfGrownAsync(CancellationToken.None);
        using var log = AnotherInstance(LongInterval);
        (await log.SignIfGrownAsync(CancellationToken.None))!.Size.Should().Be(2, "the tree has not grown: the stored checkpoint");
        await GrowAsync(1);

        var covering = await log.CoveringAsync(3, Guard());

        covering!.Size.Should().Be(3, "the log has signed nothing itself, so it has no interval to wait for");
    }

    [Fact]
    public async Task Covering_MoreLeavesThanTheTreeHolds_IsNone()
    {
        await LedgerOfAsync(2);

        (await _checkpoints.CoveringAsync(5, CancellationToken.None)).Should().BeNull();
        (await _checkpoints.LatestAsync(CancellationToken.None))!.Size.Should().Be(2, "the whole tree is signed all the same");
    }

    [Fact]
    public async Task Covering_TheLatestCoversExactlyTheSize_IsTheLatest_WithoutWaitingForTheInterval()
    {
        await LedgerOfAsync(3);
        using var log = AnotherInstance(LongInterval);
        var signed = await log.SignIfGrownAsync(CancellationToken.None);

        (await log.CoveringAsync(3, Guard())).Should().BeEquivalentTo(signed);
    }

    [Fact]
    public async Task Covering_GrownWithinTheIntervalSinceItsLastSignature_WaitsForTheInterval()
    {
        await LedgerOfAsync(2);
        using var log = AnotherInstance(LongInterval);
        await log.SignIfGrownAsync(CancellationToken.None);
        await GrowAsync(1);
        using var stop = new CancellationTokenSource();

        var covering = log.CoveringAsync(3, stop.Token);
        covering.IsCompleted.Should().BeFalse("the interval since the last signature has not passed");
        await stop.CancelAsync();

        await FluentActions.Awaiting(() => covering).Should().ThrowAsync<OperationCanceledException>();
        (await log.LatestAsync(CancellationToken.None))!.Size.Should().Be(2);
    }

    [Fact]
    public async Task Dispose_DisposesTheSignersKey_AndTheLogSignsNoMore()
    {
        var log = AnotherInstance(TimeSpan.Zero);
        var signer = log.Signer;

        log.Dispose();

        FluentActions.Invoking(() => signer.Sign("text\n")).Should().Throw<ObjectDisposedException>();
        await FluentActions.Awaiting(() => log.SignIfGrownAsync(CancellationToken.None)).Should().ThrowAsync<ObjectDisposedException>();
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails after 30 s (a guard, not a timing assertion).</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition())
            await Task.Delay(TimeSpan.FromMilliseconds(20), guard.Token);
    }

    /// <summary>The host's lifetime, whose ApplicationStarted fires when <paramref name="started"/> is cancelled.</summary>
    private static IHostApplicationLifetime StartedBy(CancellationTokenSource started)
    {
        var lifetime = Substitute.For<IHostApplicationLifetime>();
        lifetime.ApplicationStarted.Returns(started.Token);
        return lifetime;
    }

    [Fact]
    public async Task SigningService_SignsNothingUntilTheAppHasStarted_ThenSignsTheGrownTree()
    {
        await LedgerOfAsync(3);
        using var started = new CancellationTokenSource();
        using var service = new CheckpointSigningService(_checkpoints, StartedBy(started), new ListLogger<CheckpointSigningService>());
        await service.StartAsync(CancellationToken.None);

        // Ten of its shortest periods (50 ms): a service that did not wait for the start would have signed by then.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        (await _checkpoints.LatestAsync(CancellationToken.None)).Should().BeNull("the migrations may not have run yet");

        await started.CancelAsync();
        await UntilAsync(async () => await _checkpoints.LatestAsync(CancellationToken.None) is not null);

        (await _checkpoints.LatestAsync(CancellationToken.None))!.Size.Should().Be(3);
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task SigningService_ATickThatFails_LogsAWarning_AndTheNextTickTriesAgain()
    {
        // A database without the ledger's tables: every signature fails, as before the migrations on a first start.
        using var log = new CheckpointLog(
            MediVault.Infrastructure.DependencyInjection.ConnectionString(Path.Combine(_database.Folder, "unmigrated.db")),
            NoteSigner.FromSeed(Origin, new byte[32]), TimeSpan.Zero, _clock);
        var logger = new ListLogger<CheckpointSigningService>();
        using var started = new CancellationTokenSource();
        using var service = new CheckpointSigningService(log, StartedBy(started), logger);
        await service.StartAsync(CancellationToken.None);

        await started.CancelAsync();
        await UntilAsync(() => Task.FromResult(Warnings(logger).Count >= 2));

        Warnings(logger).Should().AllSatisfy(entry => entry.Exception.Should().BeOfType<SqliteException>());
        service.ExecuteTask!.IsCompleted.Should().BeFalse("the service keeps ticking");
        await service.StopAsync(CancellationToken.None);
    }

    private static List<(LogLevel Level, string Message, Exception? Exception)> Warnings(ListLogger<CheckpointSigningService> logger)
    {
        lock (logger.Entries)
            return logger.Entries.Where(e => e.Level == LogLevel.Warning).ToList();
    }
}
