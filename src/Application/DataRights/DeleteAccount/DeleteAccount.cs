using System.Security.Cryptography;
using System.Text;
using FluentValidation;
using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Identity;
using MediVault.Domain.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace MediVault.Application.DataRights.DeleteAccount;

/// <summary>
/// Deletes the signed-in user's account for good, after a password check: every session ends; the files' keys, the
/// file rows, the emergency profile, QR codes, grants (given or received), the access log, the account and its OAuth
/// state are removed in one transaction with an anonymised <c>account-deleted</c> ledger block; then the patient's
/// data key is destroyed, the blobs are removed and the database's files are cleared of the removed pages. Ledger blocks (hashes and ids) stay.
/// </summary>
public sealed record DeleteAccount(string? Password) : ICommand;

public sealed partial class DeleteAccountHandler(
    IAppDbContext db, ICurrentUser currentUser, IAccountService accounts, ILedger ledger, IFileStore store,
    ISecureErasure erasure, IPatientDataKeys dataKeys, ILogger<DeleteAccountHandler> logger)
    : ICommandHandler<DeleteAccount>
{
    public async ValueTask<Unit> Handle(DeleteAccount command, CancellationToken cancellationToken)
    {
        var userId = currentUser.RequireUserId();
        await accounts.EnsurePasswordAsync(userId, command.Password!, cancellationToken);

        // Through the revocation path first, so every cache of token state learns that the sessions are over.
        await accounts.EndAllSessionsAsync(userId, cancellationToken);

        // Soft-deleted rows go too: their names and descriptions are the account's plaintext.
        var files = await db.MedicalFiles.Where(f => f.OwnerId == userId).ToListAsync(cancellationToken);
        var blobs = files.Where(f => !f.IsDeleted).Select(f => f.StorageKey).ToList();
        db.MedicalFiles.RemoveRange(files);
        db.EmergencyProfiles.RemoveRange(await db.EmergencyProfiles.Where(p => p.PatientId == userId).ToListAsync(cancellationToken));
        db.QrAccessCodes.RemoveRange(await db.QrAccessCodes.Where(q => q.PatientId == userId).ToListAsync(cancellationToken));
        // SMART Health Links with their stored ciphertext (entries go with their link).
        db.SmartHealthLinks.RemoveRange(await db.SmartHealthLinks.Include(l => l.Entries).Where(l => l.PatientId == userId).ToListAsync(cancellationToken));
        db.AccessGrants.RemoveRange(await db.AccessGrants.Where(g => g.PatientId == userId || g.DoctorId == userId).ToListAsync(cancellationToken));
        db.AccessLogEntries.RemoveRange(await db.AccessLogEntries.Where(e => e.PatientId == userId).ToListAsync(cancellationToken));
        await accounts.RemoveAccountAsync(userId, cancellationToken);

        // All of the above commits with the tombstone, or none of it does.
        await ledger.CommitAsync(Tombstone(blobs.Count), null, CancellationToken.None);

        // The rows that held the patient's sealed text are gone; so is the key that opened them (crypto-erasure).
        await dataKeys.DestroyAsync(userId, CancellationToken.None);

        foreach (var storageKey in blobs)
        {
            try
            {
                store.Delete(storageKey);
            }
            catch (BlobStoreUnavailableException ex)
            {
                // Its key is already gone, so the blob is unreadable; the start-up sweep removes it.
                LogBlobLeft(logger, ex);
            }
        }
        await erasure.EraseRemovedDataAsync(CancellationToken.None);
        return Unit.Value;
    }

    /// <summary>Names no one: a fresh id, no subject, and a hash of what was erased (counts only).</summary>
    private static LedgerEvent Tombstone(int erasedFiles)
    {
        var id = Guid.NewGuid();
        var payload = SHA256.HashData(Encoding.UTF8.GetBytes($"{{\"erasedFiles\":{erasedFiles},\"tombstone\":\"{id}\"}}"));
        return new LedgerEvent(LedgerBlockKind.AccountDeleted, id, Guid.Empty, Convert.ToHexStringLower(payload));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A blob of a deleted account could not be removed now")]
    private static partial void LogBlobLeft(ILogger logger, Exception exception);
}

internal sealed class DeleteAccountValidator : AbstractValidator<DeleteAccount>
{
    public DeleteAccountValidator() =>
        RuleFor(x => x.Password).NotEmpty().WithMessage("password is required.")
            .MaximumLength(Identity.Register.RegisterValidator.MaxPasswordLength).WithMessage("The password is not correct.");
}
