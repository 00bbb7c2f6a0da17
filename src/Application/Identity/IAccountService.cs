using MediVault.Domain.Identity;

namespace MediVault.Application.Identity;

/// <summary>The account operations the identity system (ASP.NET Core Identity) carries out.</summary>
public interface IAccountService
{
    /// <summary>Creates the account; throws ConflictException for a taken email, ValidationFailedException for a rejected password.</summary>
    Task<UserDto> CreateAsync(NewAccount account, CancellationToken cancellationToken);

    Task<UserDto?> FindAsync(Guid userId, CancellationToken cancellationToken);

    Task<UserDto> UpdateProfileAsync(Guid userId, string? fullName, string? specialty, CancellationToken cancellationToken);

    /// <summary>Changes the password and ends every other session of the user (tokens, refresh tokens, cookies).</summary>
    Task ChangePasswordAsync(Guid userId, string currentPassword, string newPassword, string? keepSessionId, CancellationToken cancellationToken);
}

public sealed record NewAccount(string Email, string Password, string FullName, AccountType AccountType, string? LicenseNumber, string? Specialty);

/// <summary>A user as the API shows it.</summary>
public sealed record UserDto(
    Guid Id, string Email, string FullName, AccountType AccountType, DateTime CreatedAt, string? LicenseNumber, string? Specialty);
