using MediVault.Infrastructure.Identity;
using MediVault.Infrastructure.Identity.SharedState;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MediVault.Infrastructure.Persistence.Configurations;

internal sealed class RevocationSignalConfiguration : IEntityTypeConfiguration<RevocationSignal>
{
    public void Configure(EntityTypeBuilder<RevocationSignal> builder)
    {
        builder.ToTable("RevocationSignals");
        builder.HasKey(s => s.Epoch);
        builder.Property(s => s.Epoch).ValueGeneratedNever();
        builder.Property(s => s.Value).HasMaxLength(200);
    }
}

internal sealed class RevocationClockConfiguration : IEntityTypeConfiguration<RevocationClock>
{
    public void Configure(EntityTypeBuilder<RevocationClock> builder)
    {
        builder.ToTable("RevocationClock");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.HasData(new RevocationClock { Id = RevocationClock.TheRow, Epoch = 0 });
    }
}

internal sealed class TwoFactorChallengeConfiguration : IEntityTypeConfiguration<TwoFactorChallengeRow>
{
    public void Configure(EntityTypeBuilder<TwoFactorChallengeRow> builder)
    {
        builder.ToTable("TwoFactorChallenges");
        builder.HasKey(c => c.ChallengeHash);
        builder.Property(c => c.ChallengeHash).HasMaxLength(64);
        builder.HasIndex(c => c.ExpiresAtUnixSeconds);
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UsedTwoFactorCodeConfiguration : IEntityTypeConfiguration<UsedTwoFactorCode>
{
    public void Configure(EntityTypeBuilder<UsedTwoFactorCode> builder)
    {
        builder.ToTable("UsedTwoFactorCodes");
        builder.HasKey(c => new { c.UserId, c.Code });
        builder.Property(c => c.Code).HasMaxLength(6);
        builder.HasIndex(c => c.ExpiresAtUnixSeconds);
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
