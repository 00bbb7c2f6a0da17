using MediVault.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MediVault.Infrastructure.Persistence.Configurations;

internal sealed class PatientDataKeyConfiguration : IEntityTypeConfiguration<PatientDataKey>
{
    public void Configure(EntityTypeBuilder<PatientDataKey> builder)
    {
        builder.ToTable(PatientDataKey.Table);
        builder.HasKey(k => k.PatientId);
        builder.Property(k => k.PatientId).ValueGeneratedNever();
        builder.Property(k => k.WrappedKey).HasMaxLength(MasterKey.WrappedLength).IsRequired();
    }
}
