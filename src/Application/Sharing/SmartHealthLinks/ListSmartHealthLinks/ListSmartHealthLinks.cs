using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Domain.Sharing;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Sharing.SmartHealthLinks.ListSmartHealthLinks;

/// <summary>The signed-in patient's SMART Health Links, newest first. Never a key, a manifest id or a passcode.</summary>
public sealed record ListSmartHealthLinks : IQuery<IReadOnlyList<SmartHealthLinkSummary>>;

/// <summary>A SMART Health Link as its owner sees it later.</summary>
/// <param name="Id">The link's id.</param>
/// <param name="Label">The link's label.</param>
/// <param name="Flag">Flag letters (<c>L</c>, <c>P</c>, <c>U</c>); empty for none.</param>
/// <param name="Status"><c>active</c>, <c>expired</c>, <c>revoked</c> or <c>locked</c> (wrong passcodes used up).</param>
/// <param name="CreatedAt">When it was made (UTC).</param>
/// <param name="ExpiresAt">When it stops working (UTC).</param>
/// <param name="RevokedAt">When the patient revoked it, or null.</param>
/// <param name="OpenCount">How many times it was opened (successful manifest or direct-file requests).</param>
/// <param name="LastOpenedAt">When it was last opened, or null.</param>
/// <param name="LastOpenedBy">The <c>recipient</c> named by the last opener, or null.</param>
/// <param name="RemainingAttempts">Wrong passcodes still allowed; null without a passcode.</param>
/// <param name="Includes">What it shares.</param>
public sealed record SmartHealthLinkSummary(
    Guid Id, string? Label, string Flag, ShlStatus Status, DateTime CreatedAt, DateTime ExpiresAt, DateTime? RevokedAt,
    int OpenCount, DateTime? LastOpenedAt, string? LastOpenedBy, int? RemainingAttempts, SharedContent Includes);

/// <param name="EmergencySummary">Whether the emergency summary is shared.</param>
/// <param name="FileIds">The shared files, in order.</param>
public sealed record SharedContent(bool EmergencySummary, IReadOnlyList<Guid> FileIds);

public sealed class ListSmartHealthLinksHandler(IAppDbContext db, ICurrentUser currentUser, IRecordAccess access, TimeProvider clock)
    : IQueryHandler<ListSmartHealthLinks, IReadOnlyList<SmartHealthLinkSummary>>
{
    public async ValueTask<IReadOnlyList<SmartHealthLinkSummary>> Handle(ListSmartHealthLinks query, CancellationToken cancellationToken)
    {
        var patientId = currentUser.RequireUserId();
        await access.EnsureAsync(patientId, RecordAction.WriteProfile, cancellationToken);

        var links = await db.SmartHealthLinks.AsNoTracking()
            .Where(l => l.PatientId == patientId)
            .OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id)
            .ToListAsync(cancellationToken);
        // What each shares, without reading any stored ciphertext.
        var linkIds = links.Select(l => l.Id).ToList();
        var entries = (await db.SmartHealthLinkEntries.AsNoTracking().Where(e => linkIds.Contains(e.LinkId))
            .Select(e => new { e.LinkId, e.EntryId, e.Ordinal }).ToListAsync(cancellationToken))
            .ToLookup(e => e.LinkId);
        var now = clock.GetUtcNow().UtcDateTime;
        return [.. links.Select(l => new SmartHealthLinkSummary(
            l.Id, l.Label, l.Flags.ToLetters(), l.StatusAt(now), l.CreatedAt, l.ExpiresAt, l.RevokedAt, l.OpenCount, l.LastOpenedAt,
            l.LastOpenedBy, l.RemainingAttempts,
            new SharedContent(
                entries[l.Id].Any(e => e.EntryId == SmartHealthLinkEntry.SummaryId),
                [.. entries[l.Id].Where(e => e.EntryId != SmartHealthLinkEntry.SummaryId).OrderBy(e => e.Ordinal).Select(e => e.EntryId)])))];
    }
}
