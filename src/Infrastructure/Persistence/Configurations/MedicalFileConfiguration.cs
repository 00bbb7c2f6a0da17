using MediVault.Domain.Records;
using MediVault.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MediVault.Infrastructure.Persistence.Configurations;

internal sealed class MedicalFileConfiguration : IEntityTypeConfiguration<MedicalFile>
{
    public void Configure(EntityTypeBuilder<MedicalFile> builder)
    {
        builder.HasKey(f => f.Id);
        builder.Property(f => f.Id).ValueGeneratedNever();
        builder.Property(f => f.FileName).HasMaxLength(MedicalFile.MaxFileNameLength).IsRequired();
        builder.Property(f => f.ContentType).HasMaxLength(100).IsRequired();
        builder.Property(f => f.Category).HasConversion<string>().HasMaxLength(32);
        // The description is medical text: stored only sealed under the owner's data key (MedicalTextSealing).
        builder.Ignore(f => f.Description);
        builder.Property<byte[]?>(MedicalTextSealing.DescriptionColumn);
        builder.Property(f => f.Sha256).HasMaxLength(64).IsRequired();
        builder.Property(f => f.Sha1).HasMaxLength(40);
        builder.Property(f => f.StorageKey).HasMaxLength(64).IsRequired();
        builder.Property(f => f.LedgerHash).HasMaxLength(64);
        builder.Ignore(f => f.IsDeleted);
        builder.HasIndex(f => new { f.OwnerId, f.DeletedAt, f.UploadedAt });
        builder.HasIndex(f => f.StorageKey).IsUnique();
    }
}
