using Mediator;
using MediVault.Application.Common.Abstractions;

namespace MediVault.Application.Identity.ConnectedApps.ListConnectedApps;

/// <summary>The signed-in person's connected apps, most recently granted first.</summary>
public sealed record ListConnectedApps : IQuery<IReadOnlyList<ConnectedAppDto>>;

public sealed class ListConnectedAppsHandler(ICurrentUser currentUser, IConnectedApps apps)
    : IQueryHandler<ListConnectedApps, IReadOnlyList<ConnectedAppDto>>
{
    public async ValueTask<IReadOnlyList<ConnectedAppDto>> Handle(ListConnectedApps query, CancellationToken cancellationToken) =>
        await apps.ListAsync(currentUser.RequireUserId(), cancellationToken);
}
