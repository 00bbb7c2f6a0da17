using System.Runtime.CompilerServices;
using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace MediVault.Infrastructure.Emergency;

/// <summary>
/// The code and its patient's profile in one statement (a left join on the profile's key), as a compiled query: every
/// emergency access runs it, and a LINQ query pays on each call for extracting its parameters from the expression tree
/// and finding the compiled query in EF Core's cache (docs/performance.md, "Sixth pass").
/// A compiled query belongs to the model it was first run with and refuses any other, so there is one per model: the
/// SQLite and PostgreSQL contexts have different models, and so do two hosts in one process (the tests, <c>migrate</c>).
/// </summary>
internal sealed class CompiledQrCodeLookup(AppDbContext db) : IQrCodeLookup
{
    private static readonly ConditionalWeakTable<IModel, Func<AppDbContext, string, CancellationToken, Task<QrCodeWithProfile?>>> ByModel = new();

    public Task<QrCodeWithProfile?> FindByTokenHashAsync(string tokenHash, CancellationToken cancellationToken) =>
        ByModel.GetValue(db.Model, static _ => Compile())(db, tokenHash, cancellationToken);

    private static Func<AppDbContext, string, CancellationToken, Task<QrCodeWithProfile?>> Compile() =>
        EF.CompileAsyncQuery((AppDbContext context, string tokenHash, CancellationToken _) =>
            (from c in context.QrAccessCodes.AsNoTracking()
             where c.TokenHash == tokenHash
             join p in context.EmergencyProfiles.AsNoTracking() on c.PatientId equals p.PatientId into profiles
             from p in profiles.DefaultIfEmpty()
             select new QrCodeWithProfile(c, p))
            .SingleOrDefault());
}
