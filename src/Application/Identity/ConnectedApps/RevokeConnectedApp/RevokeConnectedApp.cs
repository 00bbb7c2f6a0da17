using FluentValidation;
using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Exceptions;

namespace MediVault.Application.Identity.ConnectedApps.RevokeConnectedApp;

/// <summary>
/// Ends a connected app's access at once: its consent and every token issued under it. The id comes as text so a
/// malformed one is a 400 naming the field; an id that is not one of the caller's connected apps is a 404.
/// </summary>
public sealed record RevokeConnectedApp(string? Id) : ICommand;

public sealed class RevokeConnectedAppHandler(ICurrentUser currentUser, IConnectedApps apps) : ICommandHandler<RevokeConnectedApp>
{
    public async ValueTask<Unit> Handle(RevokeConnectedApp command, CancellationToken cancellationToken)
    {
        var userId = currentUser.RequireUserId();
        if (!await apps.RevokeAsync(userId, Guid.Parse(command.Id!), cancellationToken))
            throw new NotFoundException("No connected app with this id.");
        return Unit.Value;
    }
}

internal sealed class RevokeConnectedAppValidator : AbstractValidator<RevokeConnectedApp>
{
    public RevokeConnectedAppValidator() =>
        RuleFor(x => x.Id).Must(id => Guid.TryParse(id, out _)).WithMessage("id must be a connected app's id (a GUID).");
}
