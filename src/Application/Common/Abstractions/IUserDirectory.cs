using MediVault.Domain.Identity;

namespace MediVault.Application.Common.Abstractions;

/// <summary>Read-only view of the accounts, for use cases that need a name or an account type.</summary>
public interface IUserDirectory
{
    Task<UserInfo?> FindByIdAsync(Guid id, CancellationToken cancellationToken);
    Task<UserInfo?> FindByEmailAsync(string email, CancellationToken cancellationToken);
    Task<IReadOnlyDictionary<Guid, UserInfo>> FindManyAsync(IEnumerable<Guid> ids, CancellationToken cancellationToken);
}

public sealed record UserInfo(Guid Id, string Email, string FullName, AccountType AccountType, string? LicenseNumber, string? Specialty, DateTime CreatedAt);
