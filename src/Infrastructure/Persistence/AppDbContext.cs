using MediVault.Application.Common.Abstractions;
using MediVault.Domain.Audit;
using MediVault.Domain.Emergency;
using MediVault.Domain.Identity;
using MediVault.Domain.Ledger;
using MediVault.Domain.Records;
using MediVault.Domain.Sharing;
using MediVault.Infrastructure.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Infrastructure.Persistence;

/// <summary>The one SQLite database: accounts (Identity), OAuth state (OpenIddict) and the vault's own tables.</summary>
public sealed class AppDbContext(DbContextOptions<AppDbContext> options)
    : IdentityDbContext<ApplicationUser, IdentityRole<Guid>, Guid>(options), IAppDbContext
{
    public DbSet<MedicalFile> MedicalFiles => Set<MedicalFile>();
    public DbSet<LedgerBlock> LedgerBlocks => Set<LedgerBlock>();
    public DbSet<EmergencyProfile> EmergencyProfiles => Set<EmergencyProfile>();
    public DbSet<QrAccessCode> QrAccessCodes => Set<QrAccessCode>();
    public DbSet<AccessGrant> AccessGrants => Set<AccessGrant>();
    public DbSet<AccessLogEntry> AccessLogEntries => Set<AccessLogEntry>();
    public DbSet<SmartHealthLink> SmartHealthLinks => Set<SmartHealthLink>();
    public DbSet<SmartHealthLinkEntry> SmartHealthLinkEntries => Set<SmartHealthLinkEntry>();
    public DbSet<PasswordResetToken> PasswordResetTokens => Set<PasswordResetToken>();

    /// <summary>Saves, retrying when SQLite reports a transient lock. Inside an explicit transaction the caller decides.</summary>
    public override Task<int> SaveChangesAsync(CancellationToken cancellationToken = default) =>
        Database.CurrentTransaction is not null
            ? base.SaveChangesAsync(cancellationToken)
            : SqliteTransientRetry.Pipeline.ExecuteAsync(ct => new ValueTask<int>(base.SaveChangesAsync(ct)), cancellationToken).AsTask();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.UseOpenIddict<Guid>();
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no date-time type: store UTC text that sorts correctly, and read it back as UTC.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }
}
