using MediVault.Domain.Sharing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MediVault.Infrastructure.Persistence.Configurations;

internal sealed class SmartHealthLinkConfiguration : IEntityTypeConfiguration<SmartHealthLink>
{
    public void Configure(EntityTypeBuilder<SmartHealthLink> builder)
    {
        builder.HasKey(l => l.Id);
        builder.Property(l => l.Id).ValueGeneratedNever();
        builder.Property(l => l.ManifestIdHash).HasMaxLength(64).IsRequired();
        builder.Property(l => l.Label).HasMaxLength(SmartHealthLink.MaxLabelLength);
        builder.Property(l => l.Flags).HasConversion<int>();
        builder.Property(l => l.PasscodeHash).HasMaxLength(128);
        builder.Property(l => l.LastOpenedBy).HasMaxLength(SmartHealthLink.MaxRecipientLength);
        builder.Ignore(l => l.RemainingAttempts);
        builder.HasIndex(l => l.ManifestIdHash).IsUnique();
        builder.HasIndex(l => l.PatientId);
        builder.HasMany(l => l.Entries).WithOne().HasForeignKey(e => e.LinkId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(l => l.Entries).HasField("_entries");
    }
}

internal sealed class SmartHealthLinkEntryConfiguration : IEntityTypeConfiguration<SmartHealthLinkEntry>
{
    public void Configure(EntityTypeBuilder<SmartHealthLinkEntry> builder)
    {
        builder.HasKey(e => new { e.LinkId, e.EntryId });
        builder.Property(e => e.ContentType).HasMaxLength(64).IsRequired();
        builder.Ignore(e => e.IsSummary);
    }
}
