using Mediator;
using MediVault.Application.Common.Abstractions;

namespace MediVault.Application.Ledger.VerifyLedger;

/// <summary>Recomputes the whole chain. Open to every signed-in user: it reveals only the length and the head hash.</summary>
public sealed record VerifyLedger : IQuery<LedgerVerification>;

public sealed class VerifyLedgerHandler(ICurrentUser currentUser, ILedger ledger) : IQueryHandler<VerifyLedger, LedgerVerification>
{
    public async ValueTask<LedgerVerification> Handle(VerifyLedger query, CancellationToken cancellationToken)
    {
        currentUser.RequireUserId();
        return await ledger.VerifyAsync(cancellationToken);
    }
}
