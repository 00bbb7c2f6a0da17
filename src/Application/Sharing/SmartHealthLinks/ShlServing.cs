using System.Security.Cryptography;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Domain.Audit;
using MediVault.Domain.Ledger;
using MediVault.Domain.Sharing;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Sharing.SmartHealthLinks;

/// <summary>
/// The anonymous side of SMART Health Links, shared by the manifest, the direct file (<c>U</c>) and <c>location</c>
/// reads: finding a link by its manifest id, the passcode with its lifetime failure counter, the access-log line and
/// ledger entry of every request, and the ciphertext of one entry.
/// </summary>
public sealed class ShlServing(
    IAppDbContext db, IAccessLog accessLog, ILedger ledger, ShlContent content, ISmartHealthLinkSecrets secrets, TimeProvider clock)
{
    public const string NotAvailable = "This SMART Health Link is not available: it is unknown, has expired or was revoked.";

    /// <summary>
    /// Lets a request through to <paramref name="serve"/> when the link is active and the passcode (if any) is right;
    /// records the request in the patient's access log whatever the outcome, and a served one in the ledger, in the same
    /// transaction as the open count it claims. Unknown, expired, revoked or locked: 404. Wrong or missing passcode: 401.
    /// </summary>
    public async Task<T> OpenAsync<T>(
        string manifestId, string recipient, string? passcode, Func<SmartHealthLink, DateTime, CancellationToken, Task<T>> serve,
        CancellationToken cancellationToken)
    {
        var link = await FindAsync(manifestId, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        if (link.StatusAt(now) != ShlStatus.Active)
            await RefuseAsync(link, recipient, cancellationToken);

        if (link.PasscodeHash is { } passcodeHash && !ShlPasscode.Matches(passcode, passcodeHash))
        {
            // A missing passcode is not a guess: it is refused without spending an attempt.
            var remaining = passcode is null ? link.RemainingAttempts : await SpendAttemptAsync(link.Id, cancellationToken);
            if (remaining is null)
                await RefuseAsync(link, recipient, cancellationToken);
            accessLog.RecordLinkRequest(link.PatientId, link.Id, recipient, AccessOutcome.WrongPasscode);
            await db.SaveChangesAsync(cancellationToken);
            throw new PasscodeRejectedException(remaining!.Value);
        }

        var result = await serve(link, now, cancellationToken);
        accessLog.RecordLinkRequest(link.PatientId, link.Id, recipient, AccessOutcome.Success);
        var entry = await ledger.CommitIfAsync(
            new LedgerEvent(LedgerBlockKind.ShlOpened, link.Id, link.PatientId, link.ManifestIdHash),
            ct => ClaimOpenAsync(link.Id, now, recipient, ct),
            cancellationToken);
        if (entry is null)
            await RefuseAsync(link, recipient, cancellationToken);
        return result;
    }

    /// <summary>A link by its manifest id, whatever its state; 404 when no link has it.</summary>
    public async Task<SmartHealthLink> FindAsync(string manifestId, CancellationToken cancellationToken)
    {
        if (!ShlIds.IsWellFormed(manifestId))
            throw new NotFoundException(NotAvailable);
        // The index finds the row by the hash; the fixed-time comparison keeps the last step independent of the guess.
        var hash = ShlIds.Hash(manifestId);
        var link = await db.SmartHealthLinks.AsNoTracking().SingleOrDefaultAsync(l => l.ManifestIdHash == hash, cancellationToken);
        return link is not null && ShlIds.HashesEqual(link.ManifestIdHash, hash) ? link : throw new NotFoundException(NotAvailable);
    }

    /// <summary>The id of the link's first entry (a <c>U</c> link's only one).</summary>
    public Task<Guid> FirstEntryAsync(SmartHealthLink link, CancellationToken cancellationToken) =>
        db.SmartHealthLinkEntries.AsNoTracking().Where(e => e.LinkId == link.Id).OrderBy(e => e.Ordinal).Select(e => e.EntryId)
            .FirstAsync(cancellationToken);

    /// <summary>The JWE of one entry: encrypted now from the current records (<c>L</c>) or as stored at creation. Null when the entry is gone.</summary>
    public async Task<string?> EncryptedEntryAsync(SmartHealthLink link, Guid entryId, CancellationToken cancellationToken)
    {
        if (link.WrappedKey is null)
        {
            return await db.SmartHealthLinkEntries.AsNoTracking()
                .Where(e => e.LinkId == link.Id && e.EntryId == entryId).Select(e => e.Jwe).SingleOrDefaultAsync(cancellationToken);
        }
        if (!await db.SmartHealthLinkEntries.AnyAsync(e => e.LinkId == link.Id && e.EntryId == entryId, cancellationToken))
            return null;
        var plain = await content.BuildAsync(link.PatientId, entryId, cancellationToken);
        return plain is null ? null : Encrypt(link, plain);
    }

    /// <summary>Encrypts under the link's key, unwrapped for this one encryption.</summary>
    public string Encrypt(SmartHealthLink link, ShlPlainEntry plain)
    {
        var key = secrets.UnwrapLinkKey(link.WrappedKey!, link.Id);
        try
        {
            return Jwe.Encrypt(key, plain.Content, plain.ContentType);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(plain.Content);
        }
    }

    /// <summary>Logs the refused request as <c>inactive</c> and answers 404, the same as for an unknown link.</summary>
    private async Task RefuseAsync(SmartHealthLink link, string recipient, CancellationToken cancellationToken)
    {
        accessLog.RecordLinkRequest(link.PatientId, link.Id, recipient, AccessOutcome.Inactive);
        await db.SaveChangesAsync(cancellationToken);
        throw new NotFoundException(NotAvailable);
    }

    /// <summary>
    /// Counts one wrong passcode with a compare-and-set UPDATE, so parallel requests each take a distinct attempt and
    /// exactly <c>MaxPasscodeAttempts</c> failures are ever counted. Answers the attempts left, or null once none were.
    /// </summary>
    private async Task<int?> SpendAttemptAsync(Guid linkId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var state = await db.SmartHealthLinks.AsNoTracking().Where(l => l.Id == linkId)
                .Select(l => new { l.FailedPasscodeAttempts, l.MaxPasscodeAttempts }).SingleAsync(cancellationToken);
            var failed = state.FailedPasscodeAttempts;
            if (state.MaxPasscodeAttempts is not { } max || failed >= max)
                return null;
            var counted = await db.SmartHealthLinks
                .Where(l => l.Id == linkId && l.FailedPasscodeAttempts == failed)
                .ExecuteUpdateAsync(set => set.SetProperty(l => l.FailedPasscodeAttempts, failed + 1), cancellationToken);
            if (counted == 1)
                return max - (failed + 1);
        }
    }

    /// <summary>Counts the open in a conditional UPDATE inside the ledger's transaction: a link revoked or locked meanwhile opens nothing.</summary>
    private async Task<bool> ClaimOpenAsync(Guid linkId, DateTime now, string recipient, CancellationToken cancellationToken) =>
        await db.SmartHealthLinks.Where(l => l.Id == linkId).Where(SmartHealthLink.ActiveAt(now))
            .ExecuteUpdateAsync(set => set
                .SetProperty(l => l.OpenCount, l => l.OpenCount + 1)
                .SetProperty(l => l.LastOpenedAt, now)
                .SetProperty(l => l.LastOpenedBy, recipient), cancellationToken) == 1;
}
