using MediVault.Infrastructure.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MediVault.Infrastructure.Persistence.Configurations;

internal sealed class ApplicationUserConfiguration : IEntityTypeConfiguration<ApplicationUser>
{
    public void Configure(EntityTypeBuilder<ApplicationUser> builder)
    {
        builder.Property(u => u.FullName).HasMaxLength(ApplicationUser.MaxFullNameLength).IsRequired();
        builder.Property(u => u.AccountType).HasConversion<string>().HasMaxLength(16);
        builder.Property(u => u.LicenseNumber).HasMaxLength(64);
        builder.Property(u => u.Specialty).HasMaxLength(100);
    }
}
