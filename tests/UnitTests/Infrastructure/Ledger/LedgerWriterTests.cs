using System.Data.Common;
using MediVault.Application.Common.Abstractions;
using MediVault.Domain.Audit;
using MediVault.Domain.Ledger;
using MediVault.Infrastructure.Ledger;
using MediVault.Infrastructure.Ledger.Transparency;
using MediVault.Infrastructure.Persistence;
using MediVault.UnitTests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace MediVault.UnitTests.Infrastructure.Ledger;

/// <summary>
/// The group-commit writer on its own, over a real SQLite file: what it answers each request, what it leaves in the
/// request's context, how a group is formed, and what a failing request, a failing group or another writer on the same
/// database does to the log and its Merkle tree. The chain and the tree are checked by the ledger's own verifier, with a
/// signed checkpoint so that the stored tree is compared with the entries.
/// </summary>
public sealed class LedgerWriterTests : IAsyncLifetime, IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero));
    private readonly List<AppDbContext> _contexts = [];
    private SqliteTestDatabase _database = null!;
    private LedgerWriter _writer = null!;
    private CheckpointLog _checkpoints = null!;
    private TaskCompletionSource<bool>? _release;

    private string ConnectionString => MediVault.Infrastructure.DependencyInjection.ConnectionString(_database.Path);

    public async Task InitializeAsync()
    {
        _database = await SqliteTestDatabase.CreateAsync();
        _writer = new LedgerWriter(ConnectionString, _clock);
        _checkpoints = new CheckpointLog(ConnectionString, NoteSigner.FromSeed("test.example/ledger", new byte[32]), TimeSpan.Zero, _clock);
    }

    public async Task DisposeAsync()
    {
        _release?.TrySetResult(true); // a test that failed while holding the writer must not leave its loop waiting
        foreach (var context in _contexts)
            await context.DisposeAsync();
        await _writer.DisposeAsync();
        await _database.DisposeAsync();
    }

    public void Dispose() => _checkpoints.Dispose();

    private AppDbContext NewContext()
    {
        var context = _database.NewContext();
        _contexts.Add(context);
        return context;
    }

    private static LedgerEvent Upload() =>
        new(LedgerBlockKind.FileUploaded, Guid.CreateVersion7(), Guid.CreateVersion7(), new string('b', 64));

    private AccessLogEntry AccessEntry() =>
        AccessLogEntry.Create(Guid.CreateVersion7(), _clock.GetUtcNow().UtcDateTime, AccessAction.FileUploaded, null, "x", ActorRole.Patient,
            "file", null, null, null, AccessOutcome.Success);

    /// <summary>An access log row saved on its own, outside the ledger.</summary>
    private Task<AccessLogEntry> StoredAccessEntryAsync() => _database.StoreAsync(AccessEntry());

    private async Task<List<long>> StoredIndexesAsync()
    {
        await using var db = _database.NewContext();
        return await db.LedgerBlocks.Select(b => b.Index).OrderBy(i => i).ToListAsync();
    }

    private async Task<int> AccessRowsAsync()
    {
        await using var db = _database.NewContext();
        return await db.AccessLogEntries.CountAsync();
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var db = _database.NewContext();
        await db.Database.ExecuteSqlRawAsync(sql);
    }

    /// <summary>
    /// The ledger's own verdict after a checkpoint is signed over the stored tree: valid only when every entry hashes and
    /// links right and the tree's root is the root of the entries' leaves.
    /// </summary>
    private async Task<LedgerVerification> VerifyWithACheckpointAsync()
    {
        (await _checkpoints.SignIfGrownAsync(CancellationToken.None)).Should().NotBeNull();
        return await new HashChainLedger(NewContext(), _writer, _checkpoints).VerifyAsync(CancellationToken.None);
    }

    /// <summary>
    /// Starts a request whose condition waits until released: meanwhile the writer's loop is inside that request's group,
    /// so every append queued before the release waits for the groups after it.
    /// </summary>
    private async Task<(Task<LedgerBlock?> Held, TaskCompletionSource<bool> Release)> HoldTheWriterAsync()
    {
        var inside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = _release = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = _writer.AppendAsync(NewContext(), null, null, _ =>
        {
            inside.TrySetResult();
            return release.Task;
        });
        await inside.Task;
        return (held, release);
    }

    [Fact]
    public async Task Append_WithoutAnEvent_OnAnEmptyLedger_WritesOnlyTheGenesisEntry_AndAnswersNoEntry()
    {
        var entry = await _writer.AppendAsync(NewContext(), null, null);

        entry.Should().BeNull();
        (await StoredIndexesAsync()).Should().Equal(0L);
    }

    [Fact]
    public async Task Append_AnswersTheEntryItSaved_AndAcceptsTheRequestsChanges()
    {
        var db = NewContext();
        var access = AccessEntry();
        db.AccessLogEntries.Add(access);
        var ledgerEvent = Upload();

        var entry = await _writer.AppendAsync(db, ledgerEvent, null);

        entry.Should().NotBeNull();
        entry!.Should().BeEquivalentTo(new { Index = 1L, ledgerEvent.Kind, ledgerEvent.ResourceId, ledgerEvent.SubjectId, ledgerEvent.PayloadHash });
        db.Entry(access).State.Should().Be(EntityState.Unchanged, "the committed changes are accepted in the request's context");
        db.Entry(entry).State.Should().Be(EntityState.Detached, "the writer inserts the entry itself; the request's context never tracks it");
        (await AccessRowsAsync()).Should().Be(1);
        (await StoredIndexesAsync()).Should().Equal(0L, 1L);
    }

    [Fact]
    public async Task Append_HandsTheContextBackAsItFoundIt()
    {
        var db = NewContext();
        var original = db.Database.GetConnectionString();

        await _writer.AppendAsync(db, Upload(), null);

        db.Database.GetConnectionString().Should().Be(original);
        db.Database.CurrentTransaction.Should().BeNull();
        db.Database.AutoSavepointsEnabled.Should().BeTrue();
        db.AccessLogEntries.Add(AccessEntry());
        await db.SaveChangesAsync(); // on its own connection again, outside the writer's (closed) one
        (await db.LedgerBlocks.CountAsync()).Should().Be(2);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("z")]
    [InlineData("-")]
    [InlineData("az-za")]
    [InlineData("abcdefghijklmnopqrstuvwxyz-abcde")] // 32 characters
    public async Task Append_AKindOfOneTo32LettersAToZAndDashes_IsAppended(string kind)
    {
        var entry = await _writer.AppendAsync(NewContext(), new LedgerEvent(kind, Guid.CreateVersion7(), Guid.CreateVersion7(), new string('b', 64)), null);

        entry!.Kind.Should().Be(kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abcdefghijklmnopqrstuvwxyz-abcdef")] // 33 characters
    [InlineData("File-uploaded")]
    [InlineData("file`uploaded")] // the character before 'a'
    [InlineData("file{uploaded")] // the character after 'z'
    [InlineData("file_uploaded")]
    [InlineData("file-uploaded2")]
    public async Task Append_AnyOtherKind_IsRefusedBeforeItIsQueued(string kind)
    {
        var commits = _writer.Commits;

        Action append = () => _writer.AppendAsync(NewContext(), new LedgerEvent(kind, Guid.CreateVersion7(), Guid.CreateVersion7(), new string('b', 64)), null);

        append.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("ledgerEvent");
        await _writer.AppendAsync(NewContext(), null, null);
        _writer.Commits.Should().Be(commits + 1, "only the later append was committed");
        (await StoredIndexesAsync()).Should().Equal(0L);
    }

    [Fact]
    public void Append_WithoutAContext_Throws()
    {
        Action append = () => _writer.AppendAsync(null!, Upload(), null);

        append.Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public async Task Append_AfterTheWriterIsDisposed_Throws()
    {
        await _writer.AppendAsync(NewContext(), null, null);
        await _writer.DisposeAsync();

        Action append = () => _writer.AppendAsync(NewContext(), Upload(), null);

        append.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public async Task Append_ConditionFalse_SavesNothing_DropsTheRequestsChanges_AndAnswersNoEntry()
    {
        var db = NewContext();
        db.AccessLogEntries.Add(AccessEntry());

        var entry = await _writer.AppendAsync(db, Upload(), null, _ => Task.FromResult(false));

        entry.Should().BeNull();
        db.ChangeTracker.Entries().Should().BeEmpty("the request's pending changes are dropped, not left for a later save");
        (await StoredIndexesAsync()).Should().BeEmpty("not even the genesis entry is written for a request that did not hold");
        (await AccessRowsAsync()).Should().Be(0);
        (await _writer.AppendAsync(db, Upload(), null))!.Index.Should().Be(1, "the next append writes the genesis entry first");
    }

    [Fact]
    public async Task Append_ConditionTrue_SavesTheEntryAndTheRequestsChanges()
    {
        var db = NewContext();
        db.AccessLogEntries.Add(AccessEntry());

        var entry = await _writer.AppendAsync(db, Upload(), null, _ => Task.FromResult(true));

        entry!.Index.Should().Be(1);
        (await AccessRowsAsync()).Should().Be(1);
        (await StoredIndexesAsync()).Should().Equal(0L, 1L);
    }

    [Fact]
    public async Task Append_ConditionThrows_FailsWithThatException_AndLeavesTheRequestsChangesPendingForARetry()
    {
        await _writer.AppendAsync(NewContext(), null, null);
        var db = NewContext();
        var access = AccessEntry();
        db.AccessLogEntries.Add(access);
        var refused = new InvalidDataException("the condition could not be checked");

        var append = () => _writer.AppendAsync(db, Upload(), null, _ => throw refused);

        (await append.Should().ThrowAsync<InvalidDataException>()).Which.Should().BeSameAs(refused);
        db.Entry(access).State.Should().Be(EntityState.Added);
        db.ChangeTracker.Entries<LedgerBlock>().Should().BeEmpty("the entry of the failed attempt is not tracked any more");
        (await _writer.AppendAsync(db, Upload(), null))!.Index.Should().Be(1);
        (await AccessRowsAsync()).Should().Be(1);
    }

    /// <summary>
    /// A request whose condition wrote (as a claim does) and whose own save then failed: its writes and its entry go back
    /// to its savepoint, and the requests before and after it in the same group are committed, numbered without a gap.
    /// </summary>
    [Fact]
    public async Task Append_SaveFails_RollsBackOnlyThatRequest_AndTheRestOfItsGroupCommits()
    {
        await _writer.AppendAsync(NewContext(), null, null);
        var claimed = await StoredAccessEntryAsync();
        var duplicate = await StoredAccessEntryAsync();
        var (held, release) = await HoldTheWriterAsync();
        var before = NewContext();
        var failing = NewContext();
        var after = NewContext();
        failing.AccessLogEntries.Add(duplicate); // its id is taken: the database refuses the insert
        var commits = _writer.Commits;

        var first = _writer.AppendAsync(before, Upload(), null);
        var refused = _writer.AppendAsync(failing, Upload(), null, async ct =>
            await failing.AccessLogEntries.Where(e => e.Id == claimed.Id).ExecuteDeleteAsync(ct) == 1);
        var last = _writer.AppendAsync(after, Upload(), null);
        release.SetResult(true);

        await held;
        (await first)!.Index.Should().Be(1);
        var failed = () => refused;
        await failed.Should().ThrowAsync<DbUpdateException>();
        (await last)!.Index.Should().Be(2);
        _writer.Commits.Should().Be(commits + 2, "the held request's group, then one group for the three queued meanwhile");
        (await StoredIndexesAsync()).Should().Equal(0L, 1L, 2L);
        (await AccessRowsAsync()).Should().Be(2, "the failed request's claim was rolled back with it");
        failing.ChangeTracker.Entries<LedgerBlock>().Should().BeEmpty();
        var verdict = await VerifyWithACheckpointAsync();
        verdict.Valid.Should().BeTrue(verdict.Problem);
    }

    [Fact]
    public async Task Dispose_WaitsUntilTheAppendsAlreadyQueuedAreCommitted()
    {
        await _writer.AppendAsync(NewContext(), null, null);
        var (held, release) = await HoldTheWriterAsync();
        var queued = _writer.AppendAsync(NewContext(), Upload(), null);

        var disposing = _writer.DisposeAsync().AsTask();

        disposing.IsCompleted.Should().BeFalse("the writer's loop is inside a group that has not been released");
        release.SetResult(true);
        await disposing;
        held.IsCompletedSuccessfully.Should().BeTrue();
        (await queued).Should().NotBeNull("an append queued before the dispose is still committed");
        (await StoredIndexesAsync()).Should().Equal(0L, 1L);
    }

    [Fact]
    public async Task Appends_QueuedWhileAGroupCommits_ShareTheNextCommits_AtMost256ToAGroup()
    {
        await _writer.AppendAsync(NewContext(), null, null);
        var db = NewContext();
        var (held, release) = await HoldTheWriterAsync();
        var commits = _writer.Commits;

        var queued = Enumerable.Range(0, 257).Select(_ => _writer.AppendAsync(db, null, null)).ToList();
        release.SetResult(true);
        await held;
        await Task.WhenAll(queued);

        _writer.Commits.Should().Be(commits + 3, "the held group, then 256 appends in one group and the 257th in another");
    }

    /// <summary>
    /// The same for a request whose changes go through SaveChanges (an edit of a tracked row, which only change
    /// detection finds): SaveChanges ran, but without accepting, so the edit and the new row are still pending.
    /// </summary>
    [Fact]
    public async Task AGroupWhoseCommitFails_ChangesSavedThroughSaveChanges_StayPendingToo()
    {
        await _writer.AppendAsync(NewContext(), Upload(), null);
        var stored = await StoredAccessEntryAsync();
        await ExecuteAsync("""INSERT INTO "LedgerTreeNodes" ("Level", "Index", "Hash") VALUES (0, 2, zeroblob(32))""");
        var db = NewContext();
        var tracked = await db.AccessLogEntries.SingleAsync(e => e.Id == stored.Id);
        typeof(AccessLogEntry).GetProperty(nameof(AccessLogEntry.ActorName))!.SetValue(tracked, "edited");
        var access = AccessEntry();
        db.AccessLogEntries.Add(access);

        var append = () => _writer.AppendAsync(db, Upload(), null);

        await append.Should().ThrowAsync<DbException>();
        db.Entry(tracked).State.Should().Be(EntityState.Modified);
        db.Entry(access).State.Should().Be(EntityState.Added);
        (await AccessRowsAsync()).Should().Be(1);
    }

    [Fact]
    public async Task AGroupWhoseCommitFails_FailsItsRequests_TheirChangesStayPending_AndTheTreeIsReadAgain()
    {
        await _writer.AppendAsync(NewContext(), Upload(), null);
        // A leaf where the next entry's leaf goes: inserting the group's tree nodes fails at the commit.
        await ExecuteAsync("""INSERT INTO "LedgerTreeNodes" ("Level", "Index", "Hash") VALUES (0, 2, zeroblob(32))""");
        var db = NewContext();
        var access = AccessEntry();
        db.AccessLogEntries.Add(access);

        var append = () => _writer.AppendAsync(db, Upload(), null);

        await append.Should().ThrowAsync<DbException>();
        db.Entry(access).State.Should().Be(EntityState.Added);
        db.ChangeTracker.Entries<LedgerBlock>().Should().BeEmpty();
        (await StoredIndexesAsync()).Should().Equal(0L, 1L);
        (await AccessRowsAsync()).Should().Be(0);
        await append.Should().ThrowAsync<LedgerDamagedException>("after a failed group the writer reads the stored tree again, which has a leaf too many");

        await ExecuteAsync("""DELETE FROM "LedgerTreeNodes" WHERE "Level" = 0 AND "Index" = 2""");
        (await _writer.AppendAsync(db, Upload(), null))!.Index.Should().Be(2);
        (await AccessRowsAsync()).Should().Be(1);
        var verdict = await VerifyWithACheckpointAsync();
        verdict.Valid.Should().BeTrue(verdict.Problem);
    }

    [Theory]
    [InlineData(2, """DELETE FROM "LedgerBlocks" WHERE "Index" = 2""")]
    [InlineData(2, """DELETE FROM "LedgerBlocks" """)]
    [InlineData(1, """DELETE FROM "LedgerBlocks" """)] // an empty table under a tree of two leaves
    public async Task Append_AfterEntriesWereRemoved_RefusesToForkTheLog(int uploads, string removal)
    {
        for (var i = 0; i < uploads; i++)
            await _writer.AppendAsync(NewContext(), Upload(), null);
        await ExecuteAsync(removal);
        var remaining = await StoredIndexesAsync();

        var append = () => _writer.AppendAsync(NewContext(), Upload(), null);

        await append.Should().ThrowAsync<LedgerDamagedException>();
        (await StoredIndexesAsync()).Should().Equal(remaining);
    }

    [Fact]
    public async Task TwoWritersOnOneDatabase_TakingTurns_KeepOneChainAndOneTree()
    {
        await using var other = new LedgerWriter(ConnectionString, _clock);

        var indexes = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            indexes.Add((await _writer.AppendAsync(NewContext(), Upload(), null))!.Index);
            indexes.Add((await other.AppendAsync(NewContext(), Upload(), null))!.Index);
        }

        indexes.Should().Equal(1L, 2L, 3L, 4L, 5L, 6L);
        var verdict = await VerifyWithACheckpointAsync();
        verdict.Valid.Should().BeTrue(verdict.Problem);
    }

    /// <summary>
    /// Another writer replaced the newest entry (and its leaf): the log has as many entries as this writer last saw, but
    /// another head. The writer must build on the stored tree, not on the one it remembers.
    /// </summary>
    [Fact]
    public async Task Append_AfterAnotherWriterReplacedTheNewestEntry_BuildsOnTheStoredTree()
    {
        await _writer.AppendAsync(NewContext(), Upload(), null);
        await _writer.AppendAsync(NewContext(), Upload(), null);
        await ExecuteAsync("""DELETE FROM "LedgerBlocks" WHERE "Index" = 2""");
        await ExecuteAsync("""DELETE FROM "LedgerTreeNodes" WHERE "Level" = 0 AND "Index" = 2""");
        await using (var other = new LedgerWriter(ConnectionString, _clock))
            (await other.AppendAsync(NewContext(), Upload(), null))!.Index.Should().Be(2);

        (await _writer.AppendAsync(NewContext(), Upload(), null))!.Index.Should().Be(3);

        var verdict = await VerifyWithACheckpointAsync();
        verdict.Valid.Should().BeTrue(verdict.Problem);
    }
}
