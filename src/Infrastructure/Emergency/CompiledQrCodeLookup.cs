using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Infrastructure.Emergency;

/// <summary>
/// The code and its patient's profile in one statement (a left join on the profile's key), as a compiled query: every
/// emergency access runs it, and a LINQ query pays on each call for extracting its parameters from the expression tree
/// and finding the compiled query in EF Core's cache (docs/performance.md, "Sixth pass").
/// One per model (<see cref="CompiledPerModel{TQuery}"/>).
/// </summary>
internal sealed class CompiledQrCodeLookup(AppDbContext db) : IQrCodeLookup
{
    private static readonly CompiledPerModel<Func<AppDbContext, string, CancellationToken, Task<QrCodeWithProfile?>>> ByToken = new(() =>
        EF.CompileAsyncQuery((AppDbContext context, string tokenHash, CancellationToken _) =>
            (from c in context.QrAccessCodes.AsNoTracking()
             where c.TokenHash == tokenHash
             join p in context.EmergencyProfiles.AsNoTracking() on c.PatientId equals p.PatientId into profiles
             from p in profiles.DefaultIfEmpty()
             select new QrCodeWithProfile(c, p))
            .SingleOrDefault()));

    public Task<QrCodeWithProfile?> FindByTokenHashAsync(string tokenHash, CancellationToken cancellationToken) =>
        ByToken.For(db)(db, tokenHash, cancellationToken);
}
