using Mediator;
using MediVault.Application.Common.Abstractions;

namespace MediVault.Application.Identity.TwoFactor.GetTwoFactorStatus;

/// <summary>Whether the signed-in user's sign-in asks for a code, whether it must, and how many recovery codes are left.</summary>
public sealed record GetTwoFactorStatus : IQuery<TwoFactorStatus>;

public sealed class GetTwoFactorStatusHandler(ICurrentUser currentUser, ITwoFactorAccounts twoFactor)
    : IQueryHandler<GetTwoFactorStatus, TwoFactorStatus>
{
    public async ValueTask<TwoFactorStatus> Handle(GetTwoFactorStatus query, CancellationToken cancellationToken) =>
        await twoFactor.GetStatusAsync(currentUser.RequireUserId(), cancellationToken);
}
