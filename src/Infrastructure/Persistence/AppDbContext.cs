using MediVault.Application.Common.Abstractions;
using MediVault.Domain.Audit;
using MediVault.Domain.Emergency;
using MediVault.Domain.Identity;
using MediVault.Domain.Ledger;
using MediVault.Domain.Records;
using MediVault.Domain.Sharing;
using MediVault.Infrastructure.Identity;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Infrastructure.Persistence;

/// <summary>
/// The one database: accounts (Identity), OAuth state (OpenIddict), the vault's own tables, and what every instance
/// shares (Data Protection keys, sealed; revocation signals; pending two-factor challenges). This type is the SQLite
/// context, with its migrations in Persistence/Migrations; on PostgreSQL the app runs <see cref="PostgresAppDbContext"/>,
/// the same model with its own migration set (Persistence/Migrations/Postgres, docs/decisions.md #91).
/// </summary>
public class AppDbContext : IdentityDbContext<ApplicationUser, IdentityRole<Guid>, Guid>, IAppDbContext, IDataProtectionKeyContext
{
    public AppDbContext(DbContextOptions<AppDbContext> options)
        : base(options)
    {
    }

    /// <summary>For an engine's own context type (its options are typed by it).</summary>
    protected AppDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<MedicalFile> MedicalFiles => Set<MedicalFile>();
    public DbSet<LedgerBlock> LedgerBlocks => Set<LedgerBlock>();
    public DbSet<EmergencyProfile> EmergencyProfiles => Set<EmergencyProfile>();
    public DbSet<QrAccessCode> QrAccessCodes => Set<QrAccessCode>();
    public DbSet<AccessGrant> AccessGrants => Set<AccessGrant>();
    public DbSet<AccessLogEntry> AccessLogEntries => Set<AccessLogEntry>();
    public DbSet<SmartHealthLink> SmartHealthLinks => Set<SmartHealthLink>();
    public DbSet<SmartHealthLinkEntry> SmartHealthLinkEntries => Set<SmartHealthLinkEntry>();
    public DbSet<PasswordResetToken> PasswordResetTokens => Set<PasswordResetToken>();

    /// <summary>ASP.NET Core Data Protection's key ring, each key sealed with the master key (<see cref="Identity.SharedState.MasterKeyXmlEncryptor"/>).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>
    /// Saves, retrying when SQLite reports a transient lock (PostgreSQL's transient faults are retried by its execution
    /// strategy). Inside an explicit transaction the caller decides.
    /// </summary>
    public override Task<int> SaveChangesAsync(CancellationToken cancellationToken = default) =>
        Database.CurrentTransaction is not null || !Database.IsSqlite()
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
