namespace MediVault.Application.Common.Abstractions;

/// <summary>
/// The ledger as a transparency log: its RFC 6962 Merkle tree, its signed C2SP checkpoints, proofs and receipts
/// (formats: docs/ledger.md). Everything it returns is hashes, sizes and signatures, except a receipt's entry.
/// </summary>
public interface ITransparencyLog
{
    /// <summary>The latest signed checkpoint (a C2SP tlog-checkpoint signed note), or null before the first.</summary>
    Task<string?> LatestCheckpointAsync(CancellationToken cancellationToken);

    /// <summary>The checkpoint signer's verifier key in Go's note format: <c>name+hex key id+base64(0x01 ‖ public key)</c>.</summary>
    string VerifierKey { get; }

    /// <summary>
    /// The RFC 6962 consistency proof from the tree of <paramref name="fromSize"/> leaves to the tree of <paramref name="toSize"/>
    /// leaves (default: the latest checkpoint's size). Null when <paramref name="toSize"/> is beyond the latest checkpoint.
    /// </summary>
    Task<ConsistencyProof?> ConsistencyProofAsync(long fromSize, long? toSize, CancellationToken cancellationToken);

    /// <summary>The hashes of a C2SP tlog-tile within the latest checkpoint's tree; null when the tile is not (yet) available.</summary>
    Task<byte[]?> TileAsync(TileAddress tile, CancellationToken cancellationToken);

    /// <summary>A C2SP tlog-proof for entry <paramref name="index"/> against a checkpoint that covers it; null when there is no such entry.</summary>
    Task<string?> ReceiptAsync(long index, CancellationToken cancellationToken);
}

/// <param name="From">The smaller tree size.</param>
/// <param name="To">The larger tree size.</param>
/// <param name="Proof">The proof's hashes, base64.</param>
public sealed record ConsistencyProof(long From, long To, IReadOnlyList<string> Proof);
