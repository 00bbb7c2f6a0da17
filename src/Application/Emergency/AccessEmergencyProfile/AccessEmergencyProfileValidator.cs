using FluentValidation;

namespace MediVault.Application.Emergency.AccessEmergencyProfile;

/// <summary>
/// Only the shape: a body without a token is bad input (400). A token of the wrong form is an unknown code (404), as on
/// the GET, so the two forms answer alike.
/// </summary>
internal sealed class AccessEmergencyProfileValidator : AbstractValidator<AccessEmergencyProfile>
{
    public AccessEmergencyProfileValidator()
    {
        RuleFor(x => x.Token).NotEmpty().WithMessage("token is required.");
    }
}
