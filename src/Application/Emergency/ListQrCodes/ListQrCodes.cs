using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Domain.Emergency;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Emergency.ListQrCodes;

/// <summary>The signed-in patient's emergency codes, newest first. Never their tokens.</summary>
public sealed record ListQrCodes : IQuery<IReadOnlyList<QrCodeSummary>>;

/// <summary>An emergency code as its owner sees it later.</summary>
/// <param name="Id">The code's id.</param>
/// <param name="Label">The patient's name for the code.</param>
/// <param name="CreatedAt">When it was issued (UTC).</param>
/// <param name="ExpiresAt">When it stops working (UTC).</param>
/// <param name="RevokedAt">When the patient revoked it, or null.</param>
/// <param name="UseCount">How many times it has opened the profile.</param>
/// <param name="MaxUses">How many times it may; null for no limit.</param>
/// <param name="Status"><c>active</c>, <c>expired</c>, <c>revoked</c> or <c>exhausted</c> (used up).</param>
public sealed record QrCodeSummary(
    Guid Id, string? Label, DateTime CreatedAt, DateTime ExpiresAt, DateTime? RevokedAt, int UseCount, int? MaxUses, QrCodeStatus Status);

public sealed class ListQrCodesHandler(IAppDbContext db, ICurrentUser currentUser, IRecordAccess access, TimeProvider clock)
    : IQueryHandler<ListQrCodes, IReadOnlyList<QrCodeSummary>>
{
    public async ValueTask<IReadOnlyList<QrCodeSummary>> Handle(ListQrCodes query, CancellationToken cancellationToken)
    {
        var patientId = currentUser.RequireUserId();
        await access.EnsureAsync(patientId, RecordAction.WriteProfile, cancellationToken);

        var codes = await db.QrAccessCodes.AsNoTracking()
            .Where(c => c.PatientId == patientId)
            .OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id)
            .ToListAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        return codes
            .Select(c => new QrCodeSummary(c.Id, c.Label, c.CreatedAt, c.ExpiresAt, c.RevokedAt, c.UseCount, c.MaxUses, c.StatusAt(now)))
            .ToList();
    }
}
