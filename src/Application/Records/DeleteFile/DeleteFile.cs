using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Domain.Audit;
using MediVault.Domain.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace MediVault.Application.Records.DeleteFile;

/// <summary>
/// Soft-deletes a file (the row stays for the audit trail), destroys its wrapped data key and appends a
/// <c>file-deleted</c> block in one transaction, then removes the blob and clears the old key out of the database's
/// files. Only the owner may delete.
/// </summary>
public sealed record DeleteFile(Guid FileId) : ICommand;

public sealed partial class DeleteFileHandler(
    IAppDbContext db, ICurrentUser currentUser, IRecordAccess access, IAccessLog accessLog, ILedger ledger, IFileStore store,
    ISecureErasure erasure, TimeProvider clock, ILogger<DeleteFileHandler> logger)
    : ICommandHandler<DeleteFile>
{
    public async ValueTask<Unit> Handle(DeleteFile command, CancellationToken cancellationToken)
    {
        var file = await db.MedicalFiles.FirstOrDefaultAsync(f => f.Id == command.FileId && f.DeletedAt == null, cancellationToken)
            ?? throw new NotFoundException();
        var role = await access.EnsureAsync(file.OwnerId, RecordAction.DeleteFile, cancellationToken);

        file.MarkDeleted(currentUser.RequireUserId(), clock.GetUtcNow().UtcDateTime);
        accessLog.Record(file.OwnerId, AccessAction.FileDeleted, role, "file", file.Id);
        await ledger.CommitAsync(new LedgerEvent(LedgerBlockKind.FileDeleted, file.Id, file.OwnerId, file.Sha256), null, cancellationToken);

        try
        {
            store.Delete(file.StorageKey);
        }
        catch (BlobStoreUnavailableException ex)
        {
            // The key is already destroyed, so the blob is unreadable; the start-up sweep removes it.
            LogBlobLeft(logger, file.Id, ex);
        }
        // The delete is committed: finish erasing even if the caller has gone away meanwhile.
        await erasure.EraseRemovedDataAsync(CancellationToken.None);
        return Unit.Value;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The blob of deleted file {FileId} could not be removed now")]
    private static partial void LogBlobLeft(ILogger logger, Guid fileId, Exception exception);
}
