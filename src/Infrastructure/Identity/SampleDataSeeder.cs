using MediVault.Domain.Identity;
using MediVault.Infrastructure.Configuration;
using MediVault.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MediVault.Infrastructure.Identity;

/// <summary>
/// The contract's two sample accounts, created once when sample data is on (default: Development only). Their
/// passwords predate today's rules, so they are hashed directly rather than passed through the password validators.
/// The sample doctor starts with two-factor sign-in on, with the published key <see cref="SampleDoctorAuthenticatorKey"/>
/// (README, docs/authentication.md): a demo shows the doctor's real sign-in, code step included (decisions.md §72).
/// </summary>
internal sealed class SampleDataSeeder(
    UserManager<ApplicationUser> users, IOptions<MediVaultOptions> options, IHostEnvironment environment, TimeProvider clock,
    IUserStore<ApplicationUser> store) : IStartupStep
{
    public static readonly (string Email, string Password, string FullName, AccountType Type, string? License, string? Specialty)[] Accounts =
    [
        ("sakshi@example.com", "password123", "Sakshi Verma", AccountType.Patient, null, null),
        ("dr.sharma@example.com", "doctor123", "Dr. Arjun Sharma", AccountType.Doctor, "MCI-2019-04512", "General Medicine"),
    ];

    /// <summary>Dr. Sharma's authenticator key (base32), published for demos: add it to any authenticator app.</summary>
    public const string SampleDoctorAuthenticatorKey = "MEDIVAULTDEMODRSHARMA234567ABCDE";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!(options.Value.SeedSampleData ?? environment.IsDevelopment()))
            return;

        foreach (var account in Accounts)
        {
            if (await users.FindByEmailAsync(account.Email) is not null)
                continue;
            var user = new ApplicationUser
            {
                Id = Guid.CreateVersion7(),
                UserName = account.Email,
                Email = account.Email,
                EmailConfirmed = true,
                FullName = account.FullName,
                AccountType = account.Type,
                LicenseNumber = account.License,
                Specialty = account.Specialty,
                CreatedAt = clock.GetUtcNow().UtcDateTime,
            };
            user.PasswordHash = users.PasswordHasher.HashPassword(user, account.Password);
            var result = await users.CreateAsync(user);
            if (result.Succeeded && account.Type == AccountType.Doctor)
            {
                // The documented sample key, stored as every authenticator key is (sealed by the store).
                await ((IUserAuthenticatorKeyStore<ApplicationUser>)store).SetAuthenticatorKeyAsync(user, SampleDoctorAuthenticatorKey, CancellationToken.None);
                result = await users.SetTwoFactorEnabledAsync(user, true);
            }
            if (!result.Succeeded)
                throw new InvalidOperationException("Seeding the sample account failed: " + string.Join("; ", result.Errors.Select(e => e.Code)));
        }
    }
}
