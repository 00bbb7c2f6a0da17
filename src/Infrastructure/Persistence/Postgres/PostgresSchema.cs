using Microsoft.EntityFrameworkCore;

namespace MediVault.Infrastructure.Persistence;

/// <summary>
/// What the PostgreSQL schema has beyond the entity model: the two transparency-log tables, which the SQLite migration
/// I11TransparencyLog creates by raw SQL (the ledger reads and writes them over plain SQL; no code queries these
/// entity types). Mapped only by PostgresAppDbContext, so the SQLite model and its migrations are unchanged.
/// </summary>
internal static class PostgresSchema
{
    public static void AddTransparencyLogTables(ModelBuilder builder)
    {
        builder.Entity<LedgerTreeNodeRow>(node =>
        {
            node.ToTable("LedgerTreeNodes");
            node.HasKey(n => new { n.Level, n.Index });
            node.Property(n => n.Level).ValueGeneratedNever();
            node.Property(n => n.Index).ValueGeneratedNever();
        });
        builder.Entity<LedgerCheckpointRow>(checkpoint =>
        {
            checkpoint.ToTable("LedgerCheckpoints");
            checkpoint.HasKey(c => c.TreeSize);
            checkpoint.Property(c => c.TreeSize).ValueGeneratedNever();
        });
    }
}

/// <summary>A row of <c>LedgerTreeNodes</c> (schema only: see LedgerTreeStore).</summary>
internal sealed class LedgerTreeNodeRow
{
    public int Level { get; set; }
    public long Index { get; set; }
    public byte[] Hash { get; set; } = [];
}

/// <summary>A row of <c>LedgerCheckpoints</c> (schema only: see CheckpointLog). CreatedAt is ISO 8601 text, as on SQLite.</summary>
internal sealed class LedgerCheckpointRow
{
    public long TreeSize { get; set; }
    public byte[] RootHash { get; set; } = [];
    public string Note { get; set; } = "";
    public string CreatedAt { get; set; } = "";
}
