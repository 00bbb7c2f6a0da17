using MediVault.Domain.Emergency;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MediVault.Infrastructure.Persistence.Configurations;

internal sealed class QrAccessCodeConfiguration : IEntityTypeConfiguration<QrAccessCode>
{
    public void Configure(EntityTypeBuilder<QrAccessCode> builder)
    {
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.TokenHash).HasMaxLength(64).IsRequired();
        builder.Property(c => c.Label).HasMaxLength(QrAccessCode.MaxLabelLength);
        builder.HasIndex(c => c.TokenHash).IsUnique();
        builder.HasIndex(c => c.PatientId);
    }
}
