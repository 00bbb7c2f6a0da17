using System.Numerics;

namespace MediVault.Infrastructure.Ledger.Transparency;

/// <summary>
/// The right edge of the tree (a "compact range"): the roots of the complete subtrees that make up the first
/// <see cref="Size"/> leaves, largest first, one per set bit of the size. Appending a leaf merges equal-sized
/// subtrees and reports each complete subtree it creates, which is what the node table stores.
/// </summary>
public sealed class TreeFrontier
{
    private readonly List<byte[]> _roots;

    public TreeFrontier() : this(0, []) { }

    private TreeFrontier(long size, List<byte[]> roots)
    {
        Size = size;
        _roots = roots;
    }

    public long Size { get; private set; }

    /// <summary>The (level, index) of each complete subtree in the frontier of a tree of <paramref name="size"/> leaves, largest first.</summary>
    public static IEnumerable<(int Level, long Index)> NodesOf(long size)
    {
        long start = 0;
        for (var level = 62; level >= 0; level--)
        {
            if ((size & (1L << level)) == 0)
                continue;
            yield return (level, start >> level);
            start += 1L << level;
        }
    }

    /// <summary>A frontier from its stored nodes, given in the order of <see cref="NodesOf"/>.</summary>
    public static TreeFrontier From(long size, IEnumerable<byte[]> roots)
    {
        var list = roots.ToList();
        if (list.Count != BitOperations.PopCount((ulong)size))
            throw new ArgumentException("One root per set bit of the size.", nameof(roots));
        return new TreeFrontier(size, list);
    }

    public TreeFrontier Clone() => new(Size, [.. _roots]);

    /// <summary>Adds a leaf; <paramref name="created"/> receives the leaf and every complete subtree it completes.</summary>
    public void Append(byte[] leafHash, Action<int, long, byte[]> created)
    {
        ArgumentNullException.ThrowIfNull(created);
        var index = Size;
        var level = 0;
        var hash = leafHash;
        created(level, index, hash);
        while ((index & 1) == 1)
        {
            var left = _roots[^1];
            _roots.RemoveAt(_roots.Count - 1);
            hash = Rfc6962.NodeHash(left, hash);
            index >>= 1;
            level++;
            created(level, index, hash);
        }

        _roots.Add(hash);
        Size++;
    }

    /// <summary>
    /// Adds a complete subtree of 2^<paramref name="level"/> leaves whose root is <paramref name="subtreeHash"/>; the tree's
    /// size must be a multiple of the subtree's, as when a verifier hashed the subtree on its own.
    /// </summary>
    public void AppendSubtree(int level, byte[] subtreeHash)
    {
        ArgumentNullException.ThrowIfNull(subtreeHash);
        if (level is < 0 or > 62 || (Size & ((1L << level) - 1)) != 0)
            throw new ArgumentException("A subtree of 2^level leaves starts at a multiple of its size.", nameof(level));
        var index = Size >> level;
        var hash = subtreeHash;
        while ((index & 1) == 1)
        {
            var left = _roots[^1];
            _roots.RemoveAt(_roots.Count - 1);
            hash = Rfc6962.NodeHash(left, hash);
            index >>= 1;
        }

        _roots.Add(hash);
        Size += 1L << level;
    }

    /// <summary>MTH of the leaves so far; SHA-256 of nothing for the empty tree (RFC 6962).</summary>
    public byte[] Root()
    {
        if (_roots.Count == 0)
            return System.Security.Cryptography.SHA256.HashData(ReadOnlySpan<byte>.Empty);
        var root = _roots[^1];
        for (var i = _roots.Count - 2; i >= 0; i--)
            root = Rfc6962.NodeHash(_roots[i], root);
        return root;
    }
}
