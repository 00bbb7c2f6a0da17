using FluentValidation;
using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Ledger.GetEntryReceipt;

/// <summary>
/// A C2SP tlog-proof (docs/ledger.md) for ledger entry <paramref name="Index"/>: the entry, its inclusion proof and a
/// signed checkpoint. Only for an entry the caller may see: their own, or a granting patient's for a doctor.
/// </summary>
public sealed record GetEntryReceipt(long Index) : IQuery<string>;

internal sealed class GetEntryReceiptValidator : AbstractValidator<GetEntryReceipt>
{
    public GetEntryReceiptValidator() => RuleFor(x => x.Index).GreaterThanOrEqualTo(0).WithMessage("index must be 0 or more.");
}

public sealed class GetEntryReceiptHandler(IAppDbContext db, IRecordAccess access, ITransparencyLog log) : IQueryHandler<GetEntryReceipt, string>
{
    public async ValueTask<string> Handle(GetEntryReceipt query, CancellationToken cancellationToken)
    {
        var subject = await db.LedgerBlocks.AsNoTracking()
            .Where(b => b.Index == query.Index)
            .Select(b => (Guid?)b.SubjectId)
            .FirstOrDefaultAsync(cancellationToken);
        if (subject is not { } patientId || patientId == Guid.Empty)
            throw new NotFoundException("There is no such ledger entry.");
        await access.EnsureAsync(patientId, RecordAction.ReadLedger, cancellationToken);
        return await log.ReceiptAsync(query.Index, cancellationToken) ?? throw new NotFoundException("There is no such ledger entry.");
    }
}
