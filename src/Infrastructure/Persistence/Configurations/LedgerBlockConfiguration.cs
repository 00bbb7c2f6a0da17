using MediVault.Domain.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MediVault.Infrastructure.Persistence.Configurations;

internal sealed class LedgerBlockConfiguration : IEntityTypeConfiguration<LedgerBlock>
{
    public void Configure(EntityTypeBuilder<LedgerBlock> builder)
    {
        builder.HasKey(b => b.Index);
        builder.Property(b => b.Index).ValueGeneratedNever();
        builder.Property(b => b.Kind).HasMaxLength(32).IsRequired();
        builder.Property(b => b.PayloadHash).HasMaxLength(64).IsRequired();
        builder.Property(b => b.PreviousHash).HasMaxLength(64).IsRequired();
        builder.Property(b => b.Hash).HasMaxLength(64).IsRequired();
        builder.HasIndex(b => new { b.SubjectId, b.Index });
    }
}
