using FluentValidation;
using Mediator;
using MediVault.Application.Common.Abstractions;

namespace MediVault.Application.Identity.UpdateProfile;

/// <summary>Changes the signed-in user's name or (doctors) specialty. Absent fields stay as they are.</summary>
public sealed record UpdateProfile(string? FullName, string? Specialty) : ICommand<UserDto>;

public sealed class UpdateProfileHandler(ICurrentUser currentUser, IAccountService accounts) : ICommandHandler<UpdateProfile, UserDto>
{
    public async ValueTask<UserDto> Handle(UpdateProfile command, CancellationToken cancellationToken) =>
        await accounts.UpdateProfileAsync(currentUser.RequireUserId(), command.FullName?.Trim(), command.Specialty?.Trim(), cancellationToken);
}

internal sealed class UpdateProfileValidator : AbstractValidator<UpdateProfile>
{
    public UpdateProfileValidator()
    {
        RuleFor(x => x.FullName).NotEmpty().WithMessage("fullName cannot be empty.")
            .MaximumLength(200).WithMessage("fullName must be at most 200 characters.")
            .Must(Register.RegisterValidator.NoControlCharacters).WithMessage("fullName must not contain control characters.")
            .Must(Register.RegisterValidator.HasVisibleText).WithMessage("fullName cannot be empty.")
            .When(x => x.FullName is not null);
        RuleFor(x => x.Specialty).MaximumLength(100).WithMessage("specialty must be at most 100 characters.");
    }
}
