using MediVault.Domain.Common;

namespace MediVault.Domain.Ledger;

/// <summary>
/// One link of the hash chain. Holds hashes and opaque ids only, never names or medical text.
/// The hash is computed by the ledger's canonical encoding (docs/ledger.md), not by this type.
/// </summary>
public sealed class LedgerBlock
{
    private LedgerBlock() { } // EF Core

    public long Index { get; private set; }
    public DateTime Timestamp { get; private set; }
    public string Kind { get; private set; } = "";
    /// <summary>The id of the resource the event concerns (a file, profile, code or grant).</summary>
    public Guid ResourceId { get; private set; }
    /// <summary>The patient whose records the block concerns; Guid.Empty for the genesis block. Not part of the hash.</summary>
    public Guid SubjectId { get; private set; }
    public string PayloadHash { get; private set; } = "";
    public string PreviousHash { get; private set; } = "";
    public string Hash { get; private set; } = "";

    public static LedgerBlock Create(
        long index, DateTime timestamp, string kind, Guid resourceId, Guid subjectId,
        string payloadHash, string previousHash, string hash)
    {
        if (index < 0)
            throw new DomainRuleException("A block index cannot be negative.");
        return new LedgerBlock
        {
            Index = index,
            Timestamp = Guard.Utc(timestamp, nameof(timestamp)),
            Kind = Guard.NotBlank(kind, nameof(kind)),
            ResourceId = resourceId,
            SubjectId = subjectId,
            PayloadHash = Guard.Sha256Hex(payloadHash, nameof(payloadHash)),
            // A block cannot exist without its predecessor's hash; the genesis block's predecessor is all zeros.
            PreviousHash = Guard.Sha256Hex(previousHash, nameof(previousHash)),
            Hash = Guard.Sha256Hex(hash, nameof(hash)),
        };
    }
}
