namespace MediVault.Infrastructure.Ledger;

/// <summary>Up to <see cref="HashChainLedger.Chunk"/> consecutive stored entries, oldest first, as the verifier walks them.</summary>
internal interface ILedgerChunk
{
    int Count { get; }

    /// <summary>The entry's stored index.</summary>
    long IndexAt(int row);

    /// <summary>Whether the entry's kind is the genesis entry's.</summary>
    bool IsGenesis(int row);

    /// <summary>Whether the stored hash is the SHA-256 of the entry's encoding; writes the entry's Merkle leaf hash.</summary>
    bool TryHash(int row, Span<byte> leaf);

    /// <summary>Whether the entry's previousHash is <paramref name="hash"/>.</summary>
    bool LinksTo(int row, string? hash);

    /// <summary>Whether the entry's previousHash is the stored hash of the row before it in this chunk.</summary>
    bool LinksToPreviousRow(int row);

    /// <summary>The stored hash, "" where none is stored.</summary>
    string HashAt(int row);
}

/// <summary>Entries read through ADO.NET, one <see cref="HashChainLedger.Row"/> each: any provider, any stored value.</summary>
internal sealed class RowChunk(HashChainLedger.Row[] rows) : ILedgerChunk
{
    public HashChainLedger.Row[] Rows { get; } = rows;

    public int Count { get; set; }

    public long IndexAt(int row) => Rows[row].Index;

    public bool IsGenesis(int row) => Rows[row].Kind == Domain.Ledger.LedgerBlockKind.Genesis;

    public bool TryHash(int row, Span<byte> leaf) => Rows[row].TryHash(leaf);

    public bool LinksTo(int row, string? hash) => string.Equals(Rows[row].PreviousHash, hash, StringComparison.Ordinal);

    public bool LinksToPreviousRow(int row) => LinksTo(row, Rows[row - 1].Hash);

    public string HashAt(int row) => Rows[row].Hash ?? "";
}
