namespace MediVault.Infrastructure.Ledger.Transparency;

/// <summary>
/// The Merkle subtree over one chunk of consecutive leaves that starts at a multiple of the chunk's capacity (a power
/// of two), so that every complete subtree inside it is also a complete subtree of the whole tree. The verifier fills
/// the leaves, then <see cref="Build"/> hashes the chunk level by level, each level in parallel.
/// </summary>
internal sealed class ChunkSubtree
{
    private const int ParallelFrom = 256;
    private readonly byte[][] _levels;
    private int _count;

    public ChunkSubtree(int capacity)
    {
        if (capacity < 1 || (capacity & (capacity - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(capacity), "A chunk holds a power of two of leaves.");
        _levels = new byte[int.Log2(capacity) + 1][];
        for (var level = 0; level < _levels.Length; level++)
            _levels[level] = new byte[(capacity >> level) * Rfc6962.HashSize];
    }

    /// <summary>Where the verifier writes leaf <paramref name="index"/> of the chunk.</summary>
    public Span<byte> Leaf(int index) => _levels[0].AsSpan(index * Rfc6962.HashSize, Rfc6962.HashSize);

    /// <summary>Hashes every complete subtree of the first <paramref name="count"/> leaves.</summary>
    public void Build(int count)
    {
        _count = count;
        for (var level = 1; level < _levels.Length && count >> level > 0; level++)
        {
            var below = _levels[level - 1];
            var here = _levels[level];
            var nodes = count >> level;
            if (nodes < ParallelFrom)
            {
                for (var node = 0; node < nodes; node++)
                    HashNode(below, here, node);
            }
            else
            {
                Parallel.For(0, nodes, node => HashNode(below, here, node));
            }
        }
    }

    /// <summary>The root of <paramref name="tree"/> followed by the chunk's first <paramref name="leaves"/> leaves (tree left unchanged).</summary>
    public byte[] RootAfter(TreeFrontier tree, long leaves)
    {
        var extended = tree.Clone();
        AppendTo(extended, leaves);
        return extended.Root();
    }

    /// <summary>Appends the chunk's first <paramref name="leaves"/> leaves to <paramref name="tree"/>, as complete subtrees, largest first.</summary>
    public void AppendTo(TreeFrontier tree, long leaves)
    {
        ArgumentNullException.ThrowIfNull(tree);
        if (leaves < 0 || leaves > _count)
            throw new ArgumentOutOfRangeException(nameof(leaves), "Only built leaves can be appended.");
        var offset = 0;
        for (var level = _levels.Length - 1; level >= 0; level--)
        {
            if ((leaves & (1L << level)) == 0)
                continue;
            tree.AppendSubtree(level, _levels[level].AsSpan((offset >> level) * Rfc6962.HashSize, Rfc6962.HashSize).ToArray());
            offset += 1 << level;
        }
    }

    private static void HashNode(byte[] below, byte[] here, int node) =>
        Rfc6962.NodeHash(
            below.AsSpan(2 * node * Rfc6962.HashSize, Rfc6962.HashSize),
            below.AsSpan((2 * node + 1) * Rfc6962.HashSize, Rfc6962.HashSize),
            here.AsSpan(node * Rfc6962.HashSize, Rfc6962.HashSize));
}
