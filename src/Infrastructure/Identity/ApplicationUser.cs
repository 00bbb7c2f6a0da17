using MediVault.Application.Identity;
using MediVault.Domain.Common;
using MediVault.Domain.Identity;
using Microsoft.AspNetCore.Identity;

namespace MediVault.Infrastructure.Identity;

/// <summary>An account: a patient or a doctor. Stored by ASP.NET Core Identity.</summary>
public sealed class ApplicationUser : IdentityUser<Guid>
{
    public const int MaxFullNameLength = 200;

    // Every way an account's text is written (registration, profile edits, Google sign-in, seeding) passes these setters.
    public string FullName { get => _fullName; set => _fullName = UserText.WithoutBidiControls(value)!; }
    public AccountType AccountType { get; set; }
    public string? LicenseNumber { get => _licenseNumber; set => _licenseNumber = UserText.WithoutBidiControls(value); }
    public string? Specialty { get => _specialty; set => _specialty = UserText.WithoutBidiControls(value); }
    public DateTime CreatedAt { get; set; }

    private string _fullName = "";
    private string? _licenseNumber;
    private string? _specialty;

    public UserDto ToDto() => new(Id, Email ?? "", FullName, AccountType, CreatedAt, LicenseNumber, Specialty, TwoFactorEnabled);
}
