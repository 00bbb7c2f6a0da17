using MediVault.Infrastructure.Ledger.Transparency;
using MediVault.UnitTests.TestSupport;
using Microsoft.Data.Sqlite;

namespace MediVault.UnitTests.Infrastructure.Ledger;

/// <summary>
/// The <c>LedgerTreeNodes</c> table's reads and writes on a migrated SQLite file: what each read returns, in which order,
/// and what it leaves out, checked against nodes the test inserted itself.
/// </summary>
public sealed class LedgerTreeStoreTests : IAsyncLifetime
{
    private SqliteTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await SqliteTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection(MediVault.Infrastructure.DependencyInjection.ConnectionString(_database.Path));
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>A distinct hash for each node, so that a read of the wrong node shows.</summary>
    private static byte[] HashOf(int level, long index) =>
        Rfc6962.LeafHash(System.Text.Encoding.ASCII.GetBytes($"node {level}/{index}"));

    private async Task InsertAsync(params (int Level, long Index)[] nodes)
    {
        await using var connection = await OpenAsync();
        await using var transaction = connection.BeginTransaction();
        await LedgerTreeStore.InsertAsync(connection, transaction, nodes.Select(n => (n.Level, n.Index, HashOf(n.Level, n.Index))).ToList(), CancellationToken.None);
        await transaction.CommitAsync();
    }

    [Fact]
    public async Task Size_OfAnEmptyTable_IsZero()
    {
        await using var connection = await OpenAsync();
        (await LedgerTreeStore.SizeAsync(connection, null, CancellationToken.None)).Should().Be(0);
    }

    [Fact]
    public async Task Size_IsOneMoreThanTheHighestLeafIndex_WhateverTheHigherLevelsHold()
    {
        await using var connection = await OpenAsync();
        await InsertAsync((0, 0), (0, 1), (1, 0), (0, 2), (1, 7), (3, 40));

        (await LedgerTreeStore.SizeAsync(connection, null, CancellationToken.None)).Should().Be(3);
    }

    [Fact]
    public async Task Size_InsideATransaction_SeesItsUncommittedLeaves()
    {
        await using var connection = await OpenAsync();
        await using var transaction = connection.BeginTransaction();
        await LedgerTreeStore.InsertAsync(connection, transaction, [(0, 0, HashOf(0, 0)), (0, 1, HashOf(0, 1))], CancellationToken.None);

        (await LedgerTreeStore.SizeAsync(connection, transaction, CancellationToken.None)).Should().Be(2);
    }

    [Fact]
    public async Task Read_ReturnsEachWantedNodeThatIsStored_AndLeavesOutTheOthers()
    {
        await using var connection = await OpenAsync();
        await InsertAsync((0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (2, 0));

        var found = await LedgerTreeStore.ReadAsync(connection, null, [(1, 1), (0, 2), (2, 0), (2, 1), (3, 0)], CancellationToken.None);

        found.Should().HaveCount(3);
        found[(1, 1)].Should().Equal(HashOf(1, 1));
        found[(0, 2)].Should().Equal(HashOf(0, 2));
        found[(2, 0)].Should().Equal(HashOf(2, 0));
    }

    [Fact]
    public async Task Read_OfNoNodes_IsEmpty()
    {
        await using var connection = await OpenAsync();
        await InsertAsync((0, 0));

        (await LedgerTreeStore.ReadAsync(connection, null, [], CancellationToken.None)).Should().BeEmpty();
    }

    [Fact]
    public async Task ReadRun_ReturnsTheConsecutiveNodesOfOneLevel_InIndexOrder_FromTheFirstOn()
    {
        await using var connection = await OpenAsync();
        // Inserted out of order, with nodes of another level at the same indexes, and nodes on either side of the run.
        await InsertAsync((1, 5), (1, 2), (0, 3), (1, 4), (1, 3), (1, 1), (0, 4), (1, 6));

        var run = await LedgerTreeStore.ReadRunAsync(connection, 1, 2, 4, CancellationToken.None);

        run.Should().HaveCount(4);
        for (var i = 0; i < 4; i++)
            run[i].Should().Equal(HashOf(1, 2 + i), $"node {i} of the run");
    }

    [Fact]
    public async Task ReadRun_PastTheStoredNodes_ReturnsOnlyThoseThatAreStored()
    {
        await using var connection = await OpenAsync();
        await InsertAsync((0, 0), (0, 1), (0, 2));

        var run = await LedgerTreeStore.ReadRunAsync(connection, 0, 1, 5, CancellationToken.None);

        run.Should().HaveCount(2);
        run[0].Should().Equal(HashOf(0, 1));
        run[1].Should().Equal(HashOf(0, 2));
    }

    [Fact]
    public async Task Compute_RunsTheComputationOverTheStoredNodes()
    {
        await using var connection = await OpenAsync();
        await InsertAsync((0, 4), (2, 0));

        var result = await LedgerTreeStore.ComputeAsync(connection, null, node => Rfc6962.NodeHash(node(2, 0), node(0, 4)), CancellationToken.None);

        result.Should().Equal(Rfc6962.NodeHash(HashOf(2, 0), HashOf(0, 4)));
    }

    [Fact]
    public async Task Compute_NeedingANodeThatIsNotStored_Throws()
    {
        await using var connection = await OpenAsync();
        await InsertAsync((0, 0));

        var computing = () => LedgerTreeStore.ComputeAsync(connection, null, node => Rfc6962.NodeHash(node(0, 0), node(0, 1)), CancellationToken.None);

        await computing.Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public async Task Frontier_IsMadeOfTheStoredRootsOfTheCompleteSubtrees_LargestFirst()
    {
        await using var connection = await OpenAsync();
        // 7 leaves: the subtrees of leaves 0–3, 4–5 and 6.
        await InsertAsync((2, 0), (1, 2), (0, 6), (1, 0), (0, 5));

        var frontier = await LedgerTreeStore.FrontierAsync(connection, null, 7, CancellationToken.None);

        frontier.Size.Should().Be(7);
        frontier.Root().Should().Equal(Rfc6962.NodeHash(HashOf(2, 0), Rfc6962.NodeHash(HashOf(1, 2), HashOf(0, 6))));
    }

    [Fact]
    public async Task Frontier_OfTheEmptyTree_IsEmpty()
    {
        await using var connection = await OpenAsync();
        var frontier = await LedgerTreeStore.FrontierAsync(connection, null, 0, CancellationToken.None);

        frontier.Size.Should().Be(0);
    }

    [Fact]
    public async Task Frontier_WithANodeMissing_Throws()
    {
        await using var connection = await OpenAsync();
        await InsertAsync((2, 0), (0, 6));

        var reading = () => LedgerTreeStore.FrontierAsync(connection, null, 7, CancellationToken.None);

        await reading.Should().ThrowAsync<InvalidOperationException>();
    }
}
