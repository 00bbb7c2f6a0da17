using Mediator;
using MediVault.Application.Common.Abstractions;

namespace MediVault.Application.Identity.Passkeys.ListPasskeys;

/// <summary>The signed-in person's passkeys, oldest first.</summary>
public sealed record ListPasskeys : IQuery<IReadOnlyList<PasskeyDto>>;

public sealed class ListPasskeysHandler(ICurrentUser currentUser, IPasskeys passkeys) : IQueryHandler<ListPasskeys, IReadOnlyList<PasskeyDto>>
{
    public async ValueTask<IReadOnlyList<PasskeyDto>> Handle(ListPasskeys query, CancellationToken cancellationToken) =>
        await passkeys.ListAsync(currentUser.RequireUserId(), cancellationToken);
}
