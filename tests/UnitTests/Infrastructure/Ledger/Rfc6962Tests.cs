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
}
