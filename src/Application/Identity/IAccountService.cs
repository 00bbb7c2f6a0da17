using MediVault.Domain.Identity;

namespace MediVault.Application.Identity;

/// <summary>The account operations the identity system (ASP.NET Core Identity) carries out.</summary>
public interface IAccountService
{
    /// <summary>Creates the account; throws ConflictException for a taken email, ValidationFailedException for a rejected password.</summary>
    Task<UserDto> CreateAsync(NewAccount account, CancellationToken cancellationToken);

    Task<UserDto?> FindAsync(Guid userId, CancellationToken cancellationToken);

    /// <summary>The account with this email (case-insensitive), or null.</summary>
    Task<UserDto?> FindByEmailAsync(string email, CancellationToken cancellationToken);

    /// <summary>Throws ValidationFailedException on <paramref name="field"/> when the password rules refuse the password.</summary>
    Task EnsureAcceptablePasswordAsync(Guid userId, string password, string field, CancellationToken cancellationToken);

    /// <summary>
    /// Sets a new password without the old one (a spent reset link proved the email), lifts a lockout, and ends every
    /// session of the user (tokens, refresh tokens, cookies).
    /// </summary>
    Task ResetPasswordAsync(Guid userId, string newPassword, CancellationToken cancellationToken);

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

/// <summary>
/// A user as the API shows it. <c>TwoFactorEnabled</c> (sign-in asks for a code from an authenticator app) is an
/// addition to the v1 user.
/// </summary>
public sealed record UserDto(
    Guid Id, string Email, string FullName, AccountType AccountType, DateTime CreatedAt, string? LicenseNumber, string? Specialty,
    bool TwoFactorEnabled)
{
    /// <summary>A doctor without two-factor sign-in may only set it up (docs/authentication.md, "Two-factor sign-in").</summary>
    public bool MustSetUpTwoFactor => AccountType == AccountType.Doctor && !TwoFactorEnabled;
}
