using System.Numerics;
using System.Security.Cryptography;

namespace MediVault.Infrastructure.Ledger.Transparency;

/// <summary>
/// The Merkle tree hash of RFC 6962 §2.1 / RFC 9162 §2.1: leaf = SHA-256(0x00 ‖ data), node = SHA-256(0x01 ‖ left ‖ right),
/// the proofs of that tree, and the verifiers of RFC 9162 §2.1.3.2 and §2.1.4.2.
/// </summary>
public static class Rfc6962
{
    public const int HashSize = 32;

    public static byte[] LeafHash(ReadOnlySpan<byte> data)
    {
        var hash = new byte[HashSize];
        LeafHash(data, hash);
        return hash;
    }

    public static void LeafHash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        ReadOnlySpan<byte> prefix = [0x00];
        sha.AppendData(prefix);
        sha.AppendData(data);
        sha.GetHashAndReset(destination);
    }

    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var hash = new byte[HashSize];
        NodeHash(left, right, hash);
        return hash;
    }

    public static void NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        Span<byte> buffer = stackalloc byte[1 + 2 * HashSize];
        buffer[0] = 0x01;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + HashSize)..]);
        Sha256.Hash(buffer, destination);
    }

    /// <summary>The largest power of two smaller than <paramref name="n"/> (n ≥ 2): the split point of RFC 6962.</summary>
    public static long Split(long n) => 1L << (63 - BitOperations.LeadingZeroCount((ulong)(n - 1)));

    /// <summary>
    /// MTH(D[start:end]) from the hashes of complete subtrees, <paramref name="node"/>(level, index) being the root of leaves
    /// index·2^level … (index+1)·2^level − 1. The ranges a proof needs are complete subtrees or right edges, so this reads
    /// O(log n) nodes.
    /// </summary>
    public static byte[] RangeHash(long start, long end, Func<int, long, byte[]> node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var size = end - start;
        if (size <= 0)
            throw new ArgumentOutOfRangeException(nameof(end), "A range holds at least one leaf.");
        if (BitOperations.IsPow2(size) && start % size == 0)
        {
            var level = BitOperations.Log2((ulong)size);
            return node(level, start >> level);
        }

        var k = Split(size);
        return NodeHash(RangeHash(start, start + k, node), RangeHash(start + k, end, node));
    }

    /// <summary>PATH(index, D[0:size]) of RFC 6962 §2.1.1, leaf side first.</summary>
    public static List<byte[]> InclusionProof(long index, long size, Func<int, long, byte[]> node)
    {
        if (index < 0 || index >= size)
            throw new ArgumentOutOfRangeException(nameof(index), "The leaf must be in the tree.");
        var proof = new List<byte[]>();
        Path(index, 0, size, node, proof);
        return proof;
    }

    private static void Path(long index, long start, long end, Func<int, long, byte[]> node, List<byte[]> proof)
    {
        var size = end - start;
        if (size == 1)
            return;
        var k = Split(size);
        if (index - start < k)
        {
            Path(index, start, start + k, node, proof);
            proof.Add(RangeHash(start + k, end, node));
        }
        else
        {
            Path(index, start + k, end, node, proof);
            proof.Add(RangeHash(start, start + k, node));
        }
    }

    /// <summary>PROOF(size1, D[0:size2]) of RFC 6962 §2.1.2.</summary>
    public static List<byte[]> ConsistencyProof(long size1, long size2, Func<int, long, byte[]> node)
    {
        if (size1 <= 0 || size1 > size2)
            throw new ArgumentOutOfRangeException(nameof(size1), "0 < size1 ≤ size2.");
        var proof = new List<byte[]>();
        SubProof(size1, 0, size2, true, node, proof); // PROOF(m, D[n]) = SUBPROOF(m, D[n], true), empty when m = n
        return proof;
    }

    private static void SubProof(long m, long start, long end, bool isOriginal, Func<int, long, byte[]> node, List<byte[]> proof)
    {
        var n = end - start;
        if (m == n)
        {
            if (!isOriginal)
                proof.Add(RangeHash(start, end, node));
            return;
        }

        var k = Split(n);
        if (m <= k)
        {
            SubProof(m, start, start + k, isOriginal, node, proof);
            proof.Add(RangeHash(start + k, end, node));
        }
        else
        {
            SubProof(m - k, start + k, end, false, node, proof);
            proof.Add(RangeHash(start, start + k, node));
        }
    }

    /// <summary>RFC 9162 §2.1.3.2: does <paramref name="proof"/> lead from the leaf to <paramref name="root"/>?</summary>
    public static bool VerifyInclusion(long index, long size, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (index < 0 || index >= size || leafHash.Length != HashSize || root.Length != HashSize)
            return false;
        long fn = index, sn = size - 1;
        Span<byte> r = stackalloc byte[HashSize];
        leafHash.CopyTo(r);
        foreach (var p in proof)
        {
            if (sn == 0 || p.Length != HashSize)
                return false;
            if ((fn & 1) == 1 || fn == sn)
            {
                NodeHash(p, r, r);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                NodeHash(r, p, r);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && CryptographicOperations.FixedTimeEquals(r, root);
    }

    /// <summary>RFC 9162 §2.1.4.2: is the tree of <paramref name="size2"/> leaves an append-only extension of the first?</summary>
    public static bool VerifyConsistency(
        long size1, long size2, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (size1 <= 0 || size2 < size1)
            return false; // a proof from the empty tree proves nothing (transparency-dev rejects it too)
        if (size1 == size2)
            return proof.Count == 0 && root1.SequenceEqual(root2);
        if (proof.Count == 0 || root1.Length != HashSize || root2.Length != HashSize || proof.Any(p => p.Length != HashSize))
            return false;

        var path = new List<byte[]>(proof.Count + 1);
        if (BitOperations.IsPow2(size1))
            path.Add(root1.ToArray());
        path.AddRange(proof);

        long fn = size1 - 1, sn = size2 - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        Span<byte> fr = stackalloc byte[HashSize];
        Span<byte> sr = stackalloc byte[HashSize];
        path[0].CopyTo(fr);
        path[0].CopyTo(sr);
        for (var i = 1; i < path.Count; i++)
        {
            var c = path[i];
            if (sn == 0)
                return false;
            if ((fn & 1) == 1 || fn == sn)
            {
                NodeHash(c, fr, fr);
                NodeHash(c, sr, sr);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                NodeHash(sr, c, sr);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && fr.SequenceEqual(root1) && sr.SequenceEqual(root2);
    }
}
