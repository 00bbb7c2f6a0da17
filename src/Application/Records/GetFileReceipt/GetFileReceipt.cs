using FluentValidation;
using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Domain.Audit;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Records.GetFileReceipt;

/// <summary>
/// The receipt of a file's <c>file-uploaded</c> ledger entry: a C2SP tlog-proof anyone can check offline with the log's
/// verifier key (docs/verify-receipt.mjs). For the owner, or a doctor with an active grant.
/// </summary>
public sealed record GetFileReceipt(Guid FileId) : IQuery<string>;

internal sealed class GetFileReceiptValidator : AbstractValidator<GetFileReceipt>
{
    public GetFileReceiptValidator() => RuleFor(x => x.FileId).NotEmpty();
}

public sealed class GetFileReceiptHandler(IAppDbContext db, IRecordAccess access, IAccessLog accessLog, ITransparencyLog log)
    : IQueryHandler<GetFileReceipt, string>
{
    public async ValueTask<string> Handle(GetFileReceipt query, CancellationToken cancellationToken)
    {
        var file = await db.MedicalFiles.AsNoTracking()
            .Where(f => f.Id == query.FileId && f.DeletedAt == null)
            .Select(f => new { f.Id, f.OwnerId, f.LedgerIndex })
            .FirstOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException();
        var role = await access.EnsureAsync(file.OwnerId, RecordAction.VerifyFile, cancellationToken);
        if (role == ActorRole.Doctor)
        {
            accessLog.Record(file.OwnerId, AccessAction.RecordsViewed, role, "file", file.Id);
            await db.SaveChangesAsync(cancellationToken);
        }

        return await log.ReceiptAsync(file.LedgerIndex, cancellationToken) ?? throw new NotFoundException("The file's ledger entry is missing.");
    }
}
