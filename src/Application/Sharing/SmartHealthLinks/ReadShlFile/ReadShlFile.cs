using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Exceptions;
using MediVault.Domain.Sharing;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Sharing.SmartHealthLinks.ReadShlFile;

/// <summary>
/// Reads a manifest entry's <c>location</c> (anonymous): the token names one entry of one link and expires within
/// 15 minutes. The link must still be active; the answer is the entry's JWE.
/// </summary>
public sealed record ReadShlFile(string Token) : IQuery<OpenShlDirectFile.ShlEncryptedFile>;

public sealed class ReadShlFileHandler(IAppDbContext db, ShlServing serving, ISmartHealthLinkSecrets secrets, TimeProvider clock)
    : IQueryHandler<ReadShlFile, OpenShlDirectFile.ShlEncryptedFile>
{
    public async ValueTask<OpenShlDirectFile.ShlEncryptedFile> Handle(ReadShlFile query, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (secrets.OpenLocation(query.Token) is not { } location || location.ExpiresAt <= now)
            throw new NotFoundException("This file address is unknown or has expired. Ask for the manifest again.");
        var link = await db.SmartHealthLinks.AsNoTracking().Where(l => l.Id == location.LinkId).Where(SmartHealthLink.ActiveAt(now))
            .SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException(ShlServing.NotAvailable);
        var jwe = await serving.EncryptedEntryAsync(link, location.EntryId, cancellationToken)
            ?? throw new NotFoundException("This file is no longer shared.");
        return new OpenShlDirectFile.ShlEncryptedFile(jwe);
    }
}
