using MediVault.Application.Identity;
using MediVault.Domain.Identity;
using Microsoft.AspNetCore.Identity;

namespace MediVault.Infrastructure.Identity;

/// <summary>An account: a patient or a doctor. Stored by ASP.NET Core Identity.</summary>
public sealed class ApplicationUser : IdentityUser<Guid>
{
    public const int MaxFullNameLength = 200;

    public string FullName { get; set; } = "";
    public AccountType AccountType { get; set; }
    public string? LicenseNumber { get; set; }
    public string? Specialty { get; set; }
    public DateTime CreatedAt { get; set; }

    public UserDto ToDto() => new(Id, Email ?? "", FullName, AccountType, CreatedAt, LicenseNumber, Specialty);
}
