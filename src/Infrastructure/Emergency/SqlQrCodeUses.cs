using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Infrastructure.Emergency;

/// <summary>
/// The claim as one SQL statement. EF Core's <c>ExecuteUpdateAsync</c> said the same, but it rebuilt and compiled its
/// setter expressions on every call (a new dynamic method each time, in the profile of the QR path), and the claim runs
/// inside the ledger's single group-commit loop, where every microsecond is paid serially (docs/performance.md).
/// </summary>
internal sealed class SqlQrCodeUses(AppDbContext db) : IQrCodeUses
{
    public async Task<bool> TryClaimAsync(Guid codeId, DateTime now, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync(
            $"""
             UPDATE "QrAccessCodes" SET "UseCount" = "UseCount" + 1
             WHERE "Id" = {codeId} AND "RevokedAt" IS NULL AND "ExpiresAt" > {now} AND ("MaxUses" IS NULL OR "UseCount" < "MaxUses")
             """,
            cancellationToken) == 1;
}
