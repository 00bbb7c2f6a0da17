using MediVault.Domain.Audit;
using MediVault.Domain.Emergency;
using MediVault.Domain.Identity;
using MediVault.Domain.Ledger;
using MediVault.Domain.Records;
using MediVault.Domain.Sharing;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Common.Abstractions;

/// <summary>The one persistence port: the tables the use cases read and change.</summary>
public interface IAppDbContext
{
    DbSet<MedicalFile> MedicalFiles { get; }
    DbSet<LedgerBlock> LedgerBlocks { get; }
    DbSet<EmergencyProfile> EmergencyProfiles { get; }
    DbSet<QrAccessCode> QrAccessCodes { get; }
    DbSet<AccessGrant> AccessGrants { get; }
    DbSet<AccessLogEntry> AccessLogEntries { get; }
    DbSet<SmartHealthLink> SmartHealthLinks { get; }
    DbSet<SmartHealthLinkEntry> SmartHealthLinkEntries { get; }
    DbSet<PasswordResetToken> PasswordResetTokens { get; }

    Task<int> SaveChangesAsync(CancellationToken cancellationToken = default);
}
