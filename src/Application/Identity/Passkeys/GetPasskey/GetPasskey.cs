using FluentValidation;
using Mediator;
using MediVault.Application.Common.Abstractions;

namespace MediVault.Application.Identity.Passkeys.GetPasskey;

/// <summary>One of the signed-in person's passkeys; another person's is not found.</summary>
public sealed record GetPasskey(string? Id) : IQuery<PasskeyDto>;

public sealed class GetPasskeyHandler(ICurrentUser currentUser, IPasskeys passkeys) : IQueryHandler<GetPasskey, PasskeyDto>
{
    public async ValueTask<PasskeyDto> Handle(GetPasskey query, CancellationToken cancellationToken) =>
        await passkeys.GetAsync(currentUser.RequireUserId(), query.Id!, cancellationToken);
}

internal sealed class GetPasskeyValidator : AbstractValidator<GetPasskey>
{
    public GetPasskeyValidator() => RuleFor(x => x.Id).PasskeyId();
}
