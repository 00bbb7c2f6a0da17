using System.Globalization;
using System.Text;
using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Infrastructure.Ledger.Transparency;

/// <summary>Proofs, tiles and receipts over the stored tree, each from O(log n) node reads (docs/ledger.md).</summary>
internal sealed class TransparencyLog(AppDbContext db, CheckpointLog checkpoints) : ITransparencyLog
{
    public const string ProofHeader = "c2sp.org/tlog-proof@v1";

    public string VerifierKey => checkpoints.Signer.VerifierKey;

    public async Task<string?> LatestCheckpointAsync(CancellationToken cancellationToken) =>
        (await checkpoints.LatestAsync(cancellationToken) ?? await checkpoints.CoveringAsync(1, cancellationToken))?.Note;

    public async Task<ConsistencyProof?> ConsistencyProofAsync(long fromSize, long? toSize, CancellationToken cancellationToken)
    {
        var (from, to) = (fromSize, toSize);
        await using var connection = await checkpoints.OpenAsync(cancellationToken);
        var latest = await CheckpointLog.LatestAsync(connection, cancellationToken);
        var size = to ?? latest?.Size ?? 0;
        if (latest is null || size > latest.Size)
            return null;
        if (from > size)
            return new ConsistencyProof(from, size, []);
        var proof = await LedgerTreeStore.ComputeAsync(connection, null, node => Rfc6962.ConsistencyProof(from, size, node), cancellationToken);
        return new ConsistencyProof(from, size, proof.Select(Convert.ToBase64String).ToList());
    }

    public async Task<byte[]?> TileAsync(TileAddress tile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tile);
        await using var connection = await checkpoints.OpenAsync(cancellationToken);
        var latest = await CheckpointLog.LatestAsync(connection, cancellationToken);
        var level = tile.Level * TileAddress.Height;
        var first = tile.Index * TileAddress.FullWidth;
        // The tile's nodes must all be complete subtrees of the checkpointed tree: (first + width) · 2^level ≤ size.
        if (latest is null || first > (latest.Size >> level) - tile.Width)
            return null;
        var hashes = await LedgerTreeStore.ReadRunAsync(connection, level, first, tile.Width, cancellationToken);
        return hashes.Count == tile.Width ? hashes.SelectMany(h => h).ToArray() : null;
    }

    public async Task<string?> ReceiptAsync(long index, CancellationToken cancellationToken)
    {
        var entry = await db.LedgerBlocks.AsNoTracking().FirstOrDefaultAsync(b => b.Index == index, cancellationToken);
        if (entry is null)
            return null;
        var checkpoint = await checkpoints.CoveringAsync(index + 1, cancellationToken);
        if (checkpoint is null)
            return null;

        await using var connection = await checkpoints.OpenAsync(cancellationToken);
        var proof = await LedgerTreeStore.ComputeAsync(
            connection, null, node => Rfc6962.InclusionProof(index, checkpoint.Size, node), cancellationToken);
        var encoding = LedgerEncoding.Encode(entry.Index, entry.Timestamp, entry.Kind, entry.ResourceId, entry.PayloadHash, entry.PreviousHash);
        var receipt = new StringBuilder();
        receipt.Append(ProofHeader).Append('\n');
        receipt.Append("extra ").Append(Convert.ToBase64String(encoding)).Append('\n');
        receipt.Append("index ").Append(index.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var hash in proof)
            receipt.Append(Convert.ToBase64String(hash)).Append('\n');
        receipt.Append('\n').Append(checkpoint.Note);
        return receipt.ToString();
    }
}
