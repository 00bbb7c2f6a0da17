using MediVault.Application.Common.Exceptions;
using MediVault.Application.Identity;
using MediVault.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.EntityFrameworkCore.Models;

namespace MediVault.Infrastructure.Identity;

/// <remarks>
/// Identity's user manager, the session revoker (OpenIddict's managers), the revocation writer and the database context
/// are resolved on first use, not built with the service: the most frequent call, <see cref="FindAsync"/> from
/// <c>GET /api/auth/me</c>, is answered from memory and needs none of them, and building them was about a tenth of that
/// request's CPU time (decisions §120).
/// </remarks>
internal sealed class AccountService(IServiceProvider services, TimeProvider clock, IMemoryCache cache) : IAccountService
{
    private UserManager<ApplicationUser>? users;
    private SessionRevoker? sessions;
    private SharedState.SharedRevocations? revocations;
    private AppDbContext? db;

    private UserManager<ApplicationUser> Users => users ??= services.GetRequiredService<UserManager<ApplicationUser>>();
    private SessionRevoker Sessions => sessions ??= services.GetRequiredService<SessionRevoker>();
    private SharedState.SharedRevocations Revocations => revocations ??= services.GetRequiredService<SharedState.SharedRevocations>();
    private AppDbContext Db => db ??= services.GetRequiredService<AppDbContext>();

    /// <summary>How long a user's profile is served from memory; a change through this service replaces it at once.</summary>
    public static readonly TimeSpan ProfileLifetime = TimeSpan.FromSeconds(30);

    public async Task<UserDto> CreateAsync(NewAccount account, CancellationToken cancellationToken)
    {
        if (await Users.FindByEmailAsync(account.Email) is not null)
            throw new ConflictException("An account with this email already exists.");

        var user = new ApplicationUser
        {
            Id = Guid.CreateVersion7(),
            UserName = account.Email,
            Email = account.Email,
            FullName = account.FullName,
            AccountType = account.AccountType,
            LicenseNumber = account.LicenseNumber,
            Specialty = account.Specialty,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        var result = await Users.CreateAsync(user, account.Password);
        ThrowIfFailed(result, "password");
        return user.ToDto();
    }

    public async Task<UserDto?> FindAsync(Guid userId, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(new ProfileKey(userId), out UserDto? known))
            return known;
        var user = await Users.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
            return null;
        var dto = user.ToDto();
        cache.Set(new ProfileKey(userId), dto, ProfileLifetime);
        return dto;
    }

    public async Task<UserDto?> FindByEmailAsync(string email, CancellationToken cancellationToken) =>
        (await Users.FindByEmailAsync(email))?.ToDto();

    public async Task EnsureAcceptablePasswordAsync(Guid userId, string password, string field, CancellationToken cancellationToken)
    {
        var user = await Users.FindByIdAsync(userId.ToString()) ?? throw new UnauthorizedException("The account no longer exists.");
        var errors = new List<IdentityError>();
        foreach (var validator in Users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(Users, user, password);
            errors.AddRange(result.Errors);
        }
        if (errors.Count > 0)
            throw new ValidationFailedException(new Dictionary<string, string[]> { [field] = [.. errors.Select(e => e.Description)] });
    }

    public async Task ResetPasswordAsync(Guid userId, string newPassword, CancellationToken cancellationToken)
    {
        var user = await Users.FindByIdAsync(userId.ToString()) ?? throw new UnauthorizedException("The account no longer exists.");
        // Identity's own reset (new hash, new security stamp) with a token made and spent here: the link the person
        // holds is ours (hashed, single-use, 30 minutes), not Identity's data-protection token.
        var token = await Users.GeneratePasswordResetTokenAsync(user);
        ThrowIfFailed(await Users.ResetPasswordAsync(user, token, newPassword), "newPassword");
        await Users.SetLockoutEndDateAsync(user, null);
        await Users.ResetAccessFailedCountAsync(user);
        await Revocations.AccountChangedAsync(userId);
        await Sessions.RevokeAllAsync(userId, keepSessionId: null, cancellationToken);
    }

    /// <summary>Drops a user's cached profile on this instance (<see cref="SharedState.RevocationFeed"/> applies a change made anywhere).</summary>
    public static void Forget(IMemoryCache cache, Guid userId) => cache.Remove(new ProfileKey(userId));

    public async Task<UserDto> UpdateProfileAsync(Guid userId, string? fullName, string? specialty, CancellationToken cancellationToken)
    {
        var user = await Users.FindByIdAsync(userId.ToString()) ?? throw new UnauthorizedException("The account no longer exists.");
        if (fullName is not null)
            user.FullName = fullName;
        if (specialty is not null)
        {
            if (user.AccountType != Domain.Identity.AccountType.Doctor)
                throw new ValidationFailedException("specialty", "Only doctors have a specialty.");
            user.Specialty = specialty.Length == 0 ? null : specialty;
        }
        try
        {
            ThrowIfFailed(await Users.UpdateAsync(user), "fullName");
        }
        finally
        {
            await Revocations.AccountChangedAsync(userId);
        }
        return user.ToDto();
    }

    public async Task ChangePasswordAsync(Guid userId, string currentPassword, string newPassword, string? keepSessionId, CancellationToken cancellationToken)
    {
        var user = await Users.FindByIdAsync(userId.ToString()) ?? throw new UnauthorizedException("The account no longer exists.");
        if (!await Users.CheckPasswordAsync(user, currentPassword))
            throw new ValidationFailedException("currentPassword", "The current password is not correct.");

        var result = await Users.ChangePasswordAsync(user, currentPassword, newPassword);
        ThrowIfFailed(result, "newPassword");
        await Sessions.RevokeAllAsync(userId, keepSessionId, cancellationToken);
    }

    /// <summary>The memory-cache key of a user's profile.</summary>
    private readonly record struct ProfileKey(Guid UserId);
    public async Task EnsurePasswordAsync(Guid userId, string password, CancellationToken cancellationToken)
    {
        var user = await Users.FindByIdAsync(userId.ToString()) ?? throw new UnauthorizedException("The account no longer exists.");
        if (!await Users.CheckPasswordAsync(user, password))
            throw new ValidationFailedException("password", "The password is not correct.");
    }

    public Task EndAllSessionsAsync(Guid userId, CancellationToken cancellationToken) =>
        Sessions.RevokeAllAsync(userId, keepSessionId: null, cancellationToken);

    public async Task RemoveAccountAsync(Guid userId, CancellationToken cancellationToken)
    {
        var subject = userId.ToString();
        // The rows themselves go, not only their status: a token's payload names its user.
        Db.Set<OpenIddictEntityFrameworkCoreToken<Guid>>().RemoveRange(
            await Db.Set<OpenIddictEntityFrameworkCoreToken<Guid>>().Where(t => t.Subject == subject).ToListAsync(cancellationToken));
        Db.Set<OpenIddictEntityFrameworkCoreAuthorization<Guid>>().RemoveRange(
            await Db.Set<OpenIddictEntityFrameworkCoreAuthorization<Guid>>().Where(a => a.Subject == subject).ToListAsync(cancellationToken));
        // Claims, external logins and user tokens go with the account (ON DELETE CASCADE).
        if (await Db.Users.SingleOrDefaultAsync(u => u.Id == userId, cancellationToken) is { } user)
            Db.Users.Remove(user);
    }

    private static void ThrowIfFailed(IdentityResult result, string passwordField)
    {
        if (result.Succeeded)
            return;
        if (result.Errors.Any(e => e.Code is "DuplicateEmail" or "DuplicateUserName"))
            throw new ConflictException("An account with this email already exists.");

        var errors = result.Errors
            .GroupBy(e => e.Code switch
            {
                var c when c.StartsWith("Password", StringComparison.Ordinal) => passwordField,
                "InvalidEmail" or "InvalidUserName" => "email",
                _ => passwordField == "password" ? "email" : "fullName",
            })
            .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray());
        throw new ValidationFailedException(errors);
    }
}
