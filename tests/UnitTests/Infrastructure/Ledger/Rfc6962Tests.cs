using System.Text;
using System.Text.Json;
using MediVault.Infrastructure.Ledger.Transparency;

namespace MediVault.UnitTests.Infrastructure.Ledger;

/// <summary>
/// Our proof checker against the transparency-dev vectors (../shared/testdata/merkle), and our proofs against our
/// checker and an independent, naive computation of the tree hash, for every tree up to 64 leaves.
/// </summary>
public sealed class Rfc6962Tests
{
    private const int MaxLeaves = 64;

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    private sealed record InclusionVector(ulong LeafIdx, ulong TreeSize, string Root, string LeafHash, string[]? Proof, string Desc, bool WantErr);

    private sealed record ConsistencyVector(ulong Size1, ulong Size2, string Root1, string Root2, string[]? Proof, string Desc, bool WantErr);

    /// <summary>
    /// The vectors folder: shared/testdata/merkle next to the nearest folder above the build output that has one, which is
    /// ../shared for the repository and also for a git worktree or an artifacts folder placed elsewhere on the machine.
    /// </summary>
    private static string VectorsFolder(string kind)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "testdata", "merkle", kind);
            if (Directory.Exists(candidate))
                return candidate;
        }

        throw new DirectoryNotFoundException($"shared/testdata/merkle/{kind} is not next to any folder above {AppContext.BaseDirectory}.");
    }

    private static IEnumerable<(string File, T Vector)> Vectors<T>(string kind) =>
        Directory.EnumerateFiles(VectorsFolder(kind), "*.json", SearchOption.AllDirectories)
            .Select(f => (f, JsonSerializer.Deserialize<T>(File.ReadAllText(f), Json)!));

    /// <summary>The vectors use uint64; a value beyond long.MaxValue becomes negative, which our verifiers reject as they must.</summary>
    private static long AsIndex(ulong value) => unchecked((long)value);

    private static byte[] B64(string? value) => string.IsNullOrEmpty(value) ? [] : Convert.FromBase64String(value);

    [Fact]
    public void TransparencyDevInclusionVectors_AllGiveTheirExpectedVerdict()
    {
        var vectors = Vectors<InclusionVector>("inclusion").ToList();

        vectors.Should().HaveCountGreaterThan(10);
        vectors.Should().Contain(v => v.Vector.WantErr).And.Contain(v => !v.Vector.WantErr);
        foreach (var (file, v) in vectors)
        {
            var ok = Rfc6962.VerifyInclusion(AsIndex(v.LeafIdx), AsIndex(v.TreeSize), B64(v.LeafHash), (v.Proof ?? []).Select(B64).ToList(), B64(v.Root));
            ok.Should().Be(!v.WantErr, $"{file} ({v.Desc})");
        }
    }

    [Fact]
    public void TransparencyDevConsistencyVectors_AllGiveTheirExpectedVerdict()
    {
        var vectors = Vectors<ConsistencyVector>("consistency").ToList();

        vectors.Should().HaveCountGreaterThan(10);
        vectors.Should().Contain(v => v.Vector.WantErr).And.Contain(v => !v.Vector.WantErr);
        foreach (var (file, v) in vectors)
        {
            var ok = Rfc6962.VerifyConsistency(AsIndex(v.Size1), AsIndex(v.Size2), (v.Proof ?? []).Select(B64).ToList(), B64(v.Root1), B64(v.Root2));
            ok.Should().Be(!v.WantErr, $"{file} ({v.Desc})");
        }
    }

    private static byte[][] Leaves(int n) =>
        Enumerable.Range(0, n).Select(i => Rfc6962.LeafHash(Encoding.ASCII.GetBytes($"leaf {i}"))).ToArray();

    /// <summary>MTH straight from the definition in RFC 6962 §2.1, over leaf hashes.</summary>
    private static byte[] NaiveRoot(ReadOnlySpan<byte[]> leaves)
    {
        if (leaves.Length == 1)
            return leaves[0];
        var k = 1;
        while (k * 2 < leaves.Length)
            k *= 2;
        return Rfc6962.NodeHash(NaiveRoot(leaves[..k]), NaiveRoot(leaves[k..]));
    }

    /// <summary>For arguments refused up front: reading any node means the check let them through.</summary>
    private static byte[] NoNodeMayBeRead(int level, long index) =>
        throw new InvalidOperationException($"Node ({level}, {index}) was read for arguments that should have been refused.");

    /// <summary>Complete-subtree hashes as the log stores them, computed naively.</summary>
    private static Func<int, long, byte[]> Nodes(byte[][] leaves) =>
        (level, index) => NaiveRoot(leaves.AsSpan((int)(index << level), 1 << level));

    [Fact]
    public void RangeHash_OfTheWholeTree_IsTheNaiveRoot_ForEverySizeUpTo64()
    {
        var leaves = Leaves(MaxLeaves);
        for (var size = 1; size <= MaxLeaves; size++)
            Rfc6962.RangeHash(0, size, Nodes(leaves)).Should().Equal(NaiveRoot(leaves.AsSpan(0, size)), $"size {size}");
    }

    [Fact]
    public void ChunkSubtrees_ReproduceTheNaiveRoot_AtEverySizeUpTo64_WhateverTheChunksAndTheirFill()
    {
        var leaves = Leaves(MaxLeaves);
        foreach (var capacity in new[] { 1, 2, 8, 16 })
        {
            var tree = new TreeFrontier();
            var chunk = new ChunkSubtree(capacity);
            for (var start = 0; start < MaxLeaves; start += capacity)
            {
                var count = Math.Min(capacity, MaxLeaves - start);
                for (var i = 0; i < count; i++)
                    leaves[start + i].CopyTo(chunk.Leaf(i));
                chunk.Build(count);
                for (var n = 1; n <= count; n++)
                    chunk.RootAfter(tree, n).Should().Equal(NaiveRoot(leaves.AsSpan(0, start + n)), $"capacity {capacity}, size {start + n}");
                chunk.AppendTo(tree, count);
                tree.Size.Should().Be(start + count);
                tree.Root().Should().Equal(NaiveRoot(leaves.AsSpan(0, start + count)), $"capacity {capacity}, size {start + count}");
            }
        }
    }

    [Fact]
    public void AppendSubtree_RefusesASubtreeThatDoesNotStartAtAMultipleOfItsSize()
    {
        var tree = new TreeFrontier();
        tree.Append(Leaves(1)[0], static (_, _, _) => { });

        var appendingFourLeavesAtSizeOne = () => tree.AppendSubtree(2, new byte[Rfc6962.HashSize]);

        appendingFourLeavesAtSizeOne.Should().Throw<ArgumentException>();
        tree.Size.Should().Be(1);
    }

    [Fact]
    public void InclusionProofs_VerifyForEveryIndexAndSizeUpTo64_AndFailForAnotherLeaf()
    {
        var leaves = Leaves(MaxLeaves);
        var nodes = Nodes(leaves);
        for (var size = 1; size <= MaxLeaves; size++)
        {
            var root = NaiveRoot(leaves.AsSpan(0, size));
            for (var index = 0; index < size; index++)
            {
                var proof = Rfc6962.InclusionProof(index, size, nodes);
                Rfc6962.VerifyInclusion(index, size, leaves[index], proof, root).Should().BeTrue($"leaf {index} of {size}");
                if (size > 1)
                    Rfc6962.VerifyInclusion(index, size, leaves[(index + 1) % size], proof, root).Should().BeFalse();
            }
        }
    }

    [Fact]
    public void ConsistencyProofs_VerifyForEveryPairOfSizesUpTo64_AndFailForAnotherRoot()
    {
        var leaves = Leaves(MaxLeaves);
        var nodes = Nodes(leaves);
        for (var size2 = 1; size2 <= MaxLeaves; size2++)
        {
            var root2 = NaiveRoot(leaves.AsSpan(0, size2));
            for (var size1 = 1; size1 <= size2; size1++)
            {
                var root1 = NaiveRoot(leaves.AsSpan(0, size1));
                var proof = Rfc6962.ConsistencyProof(size1, size2, nodes);
                Rfc6962.VerifyConsistency(size1, size2, proof, root1, root2).Should().BeTrue($"{size1} → {size2}");
                if (size1 < size2)
                    Rfc6962.VerifyConsistency(size1, size2, proof, root2, root2).Should().BeFalse($"{size1} → {size2} with a wrong old root");
            }
        }
    }

    [Fact]
    public void InclusionProof_AtAMillionLeaves_HasAtMost20Hashes()
    {
        var reads = 0;
        var proof = Rfc6962.InclusionProof(123_456, 1_000_000, (_, _) =>
        {
            reads++;
            return new byte[Rfc6962.HashSize];
        });

        proof.Should().HaveCountLessThanOrEqualTo(20);
        reads.Should().BeLessThanOrEqualTo(40, "a proof reads O(log n) stored nodes, never the log");
    }

    [Fact]
    public void WorkedExample_FromDocsLedgerMd()
    {
        var zero = new string('0', 64);
        var genesis = MediVault.Infrastructure.Ledger.LedgerEncoding.Encode(
            0, new DateTime(2026, 11, 24, 6, 0, 0, DateTimeKind.Utc), "genesis", Guid.Empty, zero, zero);
        var upload = MediVault.Infrastructure.Ledger.LedgerEncoding.Encode(
            1, new DateTime(2026, 11, 24, 10, 15, 0, 123, DateTimeKind.Utc), "file-uploaded", Guid.Parse("0199b8a4-5c1e-7d2a-9f3b-2c4d6e8fa0b1"),
            "ef00affcdca5ad07841b2e6cb7dd71be842ddba9027fa3a5132d5a9fc9b54683", "ec59c386c944967c2f990070e85b8d87015cd39d046f2f49975321d24b5acd15");
        var leaf0 = Rfc6962.LeafHash(genesis);
        var leaf1 = Rfc6962.LeafHash(upload);
        var root = Rfc6962.NodeHash(leaf0, leaf1);

        Convert.ToHexStringLower(leaf0).Should().Be("f70b1bf45c450dc9768ec507a8cc3cd2dfbf893c0d88f3a3e2c6ba50d3bdb468");
        Convert.ToHexStringLower(leaf1).Should().Be("52ee9d7ec62dff9902914641501570750a8e0ccb378a116f4fa0e29eae58b921");
        Convert.ToBase64String(root).Should().Be("UE4mM+B9I13Gex8O1emCnthvIVb980mWpp70/JrlxVQ=");
        Convert.ToBase64String(leaf0).Should().Be("9wsb9FxFDcl2jsUHqMw80t+/iTwNiPOj4sa6UNO9tGg=");
        Rfc6962.VerifyInclusion(1, 2, leaf1, [leaf0], root).Should().BeTrue();
    }

    [Fact]
    public void RangeHash_OfAnyRange_IsTheNaiveRootOfThatRange()
    {
        var leaves = Leaves(16);
        for (var start = 0; start < 16; start++)
        {
            for (var end = start + 1; end <= 16; end++)
                Rfc6962.RangeHash(start, end, Nodes(leaves)).Should().Equal(NaiveRoot(leaves.AsSpan(start, end - start)), $"leaves {start}–{end - 1}");
        }
    }

    [Theory]
    [InlineData(3, 3)]
    [InlineData(3, 2)]
    public void RangeHash_OfAnEmptyOrReversedRange_Throws(long start, long end)
    {
        var hashing = () => Rfc6962.RangeHash(start, end, NoNodeMayBeRead);

        hashing.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void RangeHash_WithoutNodes_ThrowsArgumentNull()
    {
        var hashing = () => Rfc6962.RangeHash(0, 1, null!);

        hashing.Should().Throw<ArgumentNullException>();
    }

    [Theory]
    [InlineData(-1, 4)]
    [InlineData(4, 4)]
    [InlineData(0, 0)]
    public void InclusionProof_OfALeafOutsideTheTree_Throws(long leaf, long size)
    {
        var proving = () => Rfc6962.InclusionProof(leaf, size, NoNodeMayBeRead);

        proving.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("index");
    }

    [Theory]
    [InlineData(0, 4)]
    [InlineData(-1, 4)]
    [InlineData(5, 4)]
    public void ConsistencyProof_OfSizesOutOfOrder_Throws(long older, long newer)
    {
        var proving = () => Rfc6962.ConsistencyProof(older, newer, NoNodeMayBeRead);

        proving.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("size1");
    }

    [Fact]
    public void Verifiers_WithoutAProof_ThrowArgumentNull()
    {
        var leaf = Leaves(1)[0];

        var inclusion = () => Rfc6962.VerifyInclusion(0, 1, leaf, null!, leaf);
        var consistency = () => Rfc6962.VerifyConsistency(1, 1, null!, leaf, leaf);

        inclusion.Should().Throw<ArgumentNullException>();
        consistency.Should().Throw<ArgumentNullException>();
    }

    /// <summary>The hash with one byte more at the end: its first 32 bytes are right, so only a length check rejects it.</summary>
    private static byte[] OneByteLonger(byte[] hash) => [.. hash, 0x00];

    [Fact]
    public void VerifyInclusion_RejectsAValidProof_WithALeafHashOrAnyProofHashOneByteTooLong()
    {
        var leaves = Leaves(16);
        var nodes = Nodes(leaves);
        for (var size = 1; size <= 16; size++)
        {
            var root = NaiveRoot(leaves.AsSpan(0, size));
            for (var index = 0; index < size; index++)
            {
                var proof = Rfc6962.InclusionProof(index, size, nodes);
                Rfc6962.VerifyInclusion(index, size, OneByteLonger(leaves[index]), proof, root).Should().BeFalse($"leaf {index} of {size}, long leaf hash");
                for (var i = 0; i < proof.Count; i++)
                {
                    var longer = proof.Select((p, j) => j == i ? OneByteLonger(p) : p).ToList();
                    Rfc6962.VerifyInclusion(index, size, leaves[index], longer, root).Should().BeFalse($"leaf {index} of {size}, long proof hash {i}");
                }
            }
        }
    }

    [Fact]
    public void VerifyConsistency_RejectsAValidProof_WithARootOrAnyProofHashOneByteTooLong()
    {
        var leaves = Leaves(16);
        var nodes = Nodes(leaves);
        for (var size2 = 2; size2 <= 16; size2++)
        {
            var root2 = NaiveRoot(leaves.AsSpan(0, size2));
            for (var size1 = 1; size1 < size2; size1++)
            {
                var root1 = NaiveRoot(leaves.AsSpan(0, size1));
                var proof = Rfc6962.ConsistencyProof(size1, size2, nodes);
                Rfc6962.VerifyConsistency(size1, size2, proof, OneByteLonger(root1), root2).Should().BeFalse($"{size1} → {size2}, long old root");
                Rfc6962.VerifyConsistency(size1, size2, proof, root1, OneByteLonger(root2)).Should().BeFalse($"{size1} → {size2}, long new root");
                for (var i = 0; i < proof.Count; i++)
                {
                    var longer = proof.Select((p, j) => j == i ? OneByteLonger(p) : p).ToList();
                    Rfc6962.VerifyConsistency(size1, size2, longer, root1, root2).Should().BeFalse($"{size1} → {size2}, long proof hash {i}");
                }
            }
        }
    }

    [Fact]
    public void TreeFrontier_OfTheEmptyTree_HasTheRootOfRfc6962_TheSha256OfNothing() =>
        Convert.ToHexStringLower(new TreeFrontier().Root()).Should().Be("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

    [Fact]
    public void TreeFrontier_NodesOf_AreTheCompleteSubtreesOfTheSize_LargestFirst()
    {
        TreeFrontier.NodesOf(0).Should().BeEmpty();
        TreeFrontier.NodesOf(13).Should().Equal((3, 0L), (2, 2L), (0, 12L));
        TreeFrontier.NodesOf(16).Should().Equal((4, 0L));
        TreeFrontier.NodesOf((1L << 62) + 1).Should().Equal((62, 0L), (0, 1L << 62));
    }

    [Fact]
    public void TreeFrontier_From_RefusesAnythingButOneRootPerSetBitOfTheSize()
    {
        var hash = Leaves(1)[0];

        var tooFew = () => TreeFrontier.From(3, [hash]);
        var tooMany = () => TreeFrontier.From(4, [hash, hash]);

        tooFew.Should().Throw<ArgumentException>();
        tooMany.Should().Throw<ArgumentException>();
        TreeFrontier.From(4, [hash]).Root().Should().Equal(hash);
    }

    [Fact]
    public void TreeFrontier_Append_ReportsTheLeafAndEverySubtreeItCompletes()
    {
        var leaves = Leaves(4);
        var tree = new TreeFrontier();
        var created = new List<(int Level, long Index, byte[] Hash)>();
        foreach (var leaf in leaves)
            tree.Append(leaf, (level, index, hash) => created.Add((level, index, hash)));

        created.Select(c => (c.Level, c.Index)).Should().Equal((0, 0L), (0, 1L), (1, 0L), (0, 2L), (0, 3L), (1, 1L), (2, 0L));
        created[2].Hash.Should().Equal(NaiveRoot(leaves.AsSpan(0, 2)));
        created[5].Hash.Should().Equal(NaiveRoot(leaves.AsSpan(2, 2)));
        created[6].Hash.Should().Equal(NaiveRoot(leaves));
    }

    [Fact]
    public void TreeFrontier_Append_WithoutACallback_ThrowsArgumentNull_AndAddsNothing()
    {
        var tree = new TreeFrontier();

        var appending = () => tree.Append(Leaves(1)[0], null!);

        appending.Should().Throw<ArgumentNullException>();
        tree.Size.Should().Be(0);
    }

    [Fact]
    public void TreeFrontier_AppendSubtree_WithoutAHash_ThrowsArgumentNull_AndAddsNothing()
    {
        var tree = new TreeFrontier();

        var appending = () => tree.AppendSubtree(0, null!);

        appending.Should().Throw<ArgumentNullException>();
        tree.Size.Should().Be(0);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(63)]
    public void TreeFrontier_AppendSubtree_RefusesALevelOutside0To62(int level)
    {
        var tree = new TreeFrontier();

        var appending = () => tree.AppendSubtree(level, new byte[Rfc6962.HashSize]);

        appending.Should().Throw<ArgumentException>();
        tree.Size.Should().Be(0);
    }

    [Fact]
    public void TreeFrontier_AppendSubtree_TakesTheLargestLevel62()
    {
        var tree = new TreeFrontier();
        var hash = Leaves(1)[0];

        tree.AppendSubtree(62, hash);

        tree.Size.Should().Be(1L << 62);
        tree.Root().Should().Equal(hash);
    }

    [Fact]
    public void TreeFrontier_Clone_GrowsOnItsOwn()
    {
        var leaves = Leaves(3);
        var tree = new TreeFrontier();
        tree.Append(leaves[0], static (_, _, _) => { });
        var clone = tree.Clone();

        clone.Append(leaves[1], static (_, _, _) => { });
        clone.Append(leaves[2], static (_, _, _) => { });

        tree.Size.Should().Be(1);
        tree.Root().Should().Equal(leaves[0]);
        clone.Root().Should().Equal(NaiveRoot(leaves));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-4)]
    [InlineData(3)]
    [InlineData(12)]
    public void ChunkSubtree_RefusesACapacityThatIsNotAPowerOfTwo(int capacity)
    {
        var creating = () => new ChunkSubtree(capacity);

        creating.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void ChunkSubtree_AppendTo_WithoutATree_ThrowsArgumentNull()
    {
        var chunk = new ChunkSubtree(4);
        chunk.Build(0);

        var appending = () => chunk.AppendTo(null!, 0);

        appending.Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public void ChunkSubtree_AppendTo_OnlyTakesTheLeavesBuilt_AndNoneLeavesTheTreeAsItWas()
    {
        var leaves = Leaves(6);
        var tree = new TreeFrontier();
        foreach (var leaf in leaves[..4])
            tree.Append(leaf, static (_, _, _) => { });
        var chunk = new ChunkSubtree(4);
        leaves[4].CopyTo(chunk.Leaf(0));
        leaves[5].CopyTo(chunk.Leaf(1));
        chunk.Build(2);

        var tooMany = () => chunk.AppendTo(tree, 3);
        var negative = () => chunk.AppendTo(tree, -1);
        chunk.AppendTo(tree, 0);

        tooMany.Should().Throw<ArgumentOutOfRangeException>();
        negative.Should().Throw<ArgumentOutOfRangeException>();
        tree.Size.Should().Be(4);
        tree.Root().Should().Equal(NaiveRoot(leaves.AsSpan(0, 4)));
    }

    [Fact]
    public void ChunkSubtree_RootAfter_LeavesTheTreeAsItWas()
    {
        var leaves = Leaves(4);
        var tree = new TreeFrontier();
        tree.Append(leaves[0], static (_, _, _) => { });
        tree.Append(leaves[1], static (_, _, _) => { });
        var chunk = new ChunkSubtree(2);
        leaves[2].CopyTo(chunk.Leaf(0));
        leaves[3].CopyTo(chunk.Leaf(1));
        chunk.Build(2);

        chunk.RootAfter(tree, 2).Should().Equal(NaiveRoot(leaves));

        tree.Size.Should().Be(2);
        tree.Root().Should().Equal(NaiveRoot(leaves.AsSpan(0, 2)));
    }

    [Fact]
    public void ChunkSubtree_OfALargeChunk_HashedInParallel_ReproducesTheNaiveRoot()
    {
        const int Capacity = 1024;
        var leaves = Leaves(Capacity);
        var chunk = new ChunkSubtree(Capacity);
        for (var i = 0; i < Capacity; i++)
            leaves[i].CopyTo(chunk.Leaf(i));

        chunk.Build(Capacity);

        chunk.RootAfter(new TreeFrontier(), Capacity).Should().Equal(NaiveRoot(leaves));
        chunk.RootAfter(new TreeFrontier(), 777).Should().Equal(NaiveRoot(leaves.AsSpan(0, 777)));
    }
}
