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

    /// <summary>Throws ValidationFailedException on <c>password</c> when it is not the user's current password.</summary>
    Task EnsurePasswordAsync(Guid userId, string password, CancellationToken cancellationToken);

    /// <summary>Ends every session of the user (tokens, refresh tokens, cookies) through the one revocation path.</summary>
    Task EndAllSessionsAsync(Guid userId, CancellationToken cancellationToken);

    /// <summary>
    /// Marks the account, its external logins and its OAuth authorizations and tokens for removal in the unit of work
    /// shared with IAppDbContext: nothing is saved until the caller's next save, so the removal commits with it.
    /// </summary>
    Task RemoveAccountAsync(Guid userId, CancellationToken cancellationToken);
}

public sealed record NewAccount(string Email, string Password, string FullName, AccountType AccountType, string? LicenseNumber, string? Specialty);

/// <summary>A user as the API shows it.</summary>
public sealed record UserDto(
    Guid Id, string Email, string FullName, AccountType AccountType, DateTime CreatedAt, string? LicenseNumber, string? Specialty);
