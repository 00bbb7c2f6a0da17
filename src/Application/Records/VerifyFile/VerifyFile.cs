using System.Security.Cryptography;
using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Domain.Audit;
using MediVault.Domain.Ledger;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Records.VerifyFile;

/// <summary>Reads a file's stored content back, hashes it again, and checks the ledger block that anchors it.</summary>
public sealed record VerifyFile(Guid FileId) : IQuery<FileVerification>;

public sealed record FileVerification(Guid FileId, string Sha256, bool Intact, long LedgerIndex, bool LedgerIntact);

public sealed class VerifyFileHandler(IAppDbContext db, IRecordAccess access, IFileStore store, ILedger ledger, IAccessLog accessLog)
    : IQueryHandler<VerifyFile, FileVerification>
{
    public async ValueTask<FileVerification> Handle(VerifyFile query, CancellationToken cancellationToken)
    {
        var file = await db.MedicalFiles.AsNoTracking()
            .FirstOrDefaultAsync(f => f.Id == query.FileId && f.DeletedAt == null, cancellationToken)
            ?? throw new NotFoundException();
        var role = await access.EnsureAsync(file.OwnerId, RecordAction.VerifyFile, cancellationToken);
        if (role == ActorRole.Doctor)
        {
            accessLog.Record(file.OwnerId, AccessAction.RecordsViewed, role, "file", file.Id);
            await db.SaveChangesAsync(cancellationToken);
        }

        var intact = await ContentMatchesAsync(file.StorageKey, file.WrappedKey!, file.Sha256, cancellationToken);
        var block = await db.LedgerBlocks.AsNoTracking().FirstOrDefaultAsync(b => b.Index == file.LedgerIndex, cancellationToken);
        var ledgerIntact = block is not null
            && block.Kind == LedgerBlockKind.FileUploaded
            && block.ResourceId == file.Id
            && block.PayloadHash == file.Sha256
            && block.Hash == file.LedgerHash
            && await ledger.VerifyBlockAsync(file.LedgerIndex, cancellationToken);
        return new FileVerification(file.Id, file.Sha256, intact, file.LedgerIndex, ledgerIntact);
    }

    private async Task<bool> ContentMatchesAsync(string storageKey, byte[] wrappedKey, string expectedSha256, CancellationToken cancellationToken)
    {
        try
        {
            await using var content = await store.OpenReadAsync(storageKey, wrappedKey, cancellationToken);
            var hash = await SHA256.HashDataAsync(content, cancellationToken);
            return Convert.ToHexStringLower(hash) == expectedSha256;
        }
        catch (StoredContentCorruptException)
        {
            return false;
        }
    }
}
