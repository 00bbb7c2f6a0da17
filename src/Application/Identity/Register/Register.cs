using Mediator;
using MediVault.Domain.Identity;

namespace MediVault.Application.Identity.Register;

/// <summary>Opens a patient or doctor account.</summary>
public sealed record Register(
    string? Email, string? Password, string? FullName, AccountType? AccountType, string? LicenseNumber, string? Specialty)
    : ICommand<UserDto>;

public sealed class RegisterHandler(IAccountService accounts) : ICommandHandler<Register, UserDto>
{
    public async ValueTask<UserDto> Handle(Register command, CancellationToken cancellationToken) =>
        await accounts.CreateAsync(
            new NewAccount(
                command.Email!.Trim(), command.Password!, command.FullName!.Trim(), command.AccountType!.Value,
                command.AccountType == AccountType.Doctor ? command.LicenseNumber?.Trim() : null,
                command.AccountType == AccountType.Doctor ? command.Specialty?.Trim() : null),
            cancellationToken);
}
