using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Exceptions;

namespace MediVault.Application.Identity.GetCurrentUser;

/// <summary>The signed-in user.</summary>
public sealed record GetCurrentUser : IQuery<UserDto>;

public sealed class GetCurrentUserHandler(ICurrentUser currentUser, IAccountService accounts) : IQueryHandler<GetCurrentUser, UserDto>
{
    public async ValueTask<UserDto> Handle(GetCurrentUser query, CancellationToken cancellationToken) =>
        await accounts.FindAsync(currentUser.RequireUserId(), cancellationToken)
        ?? throw new UnauthorizedException("The account no longer exists.");
}
