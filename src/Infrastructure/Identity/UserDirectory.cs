using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Infrastructure.Identity;

internal sealed class UserDirectory(AppDbContext db) : IUserDirectory
{
    public Task<UserInfo?> FindByIdAsync(Guid id, CancellationToken cancellationToken) =>
        Project(db.Users.Where(u => u.Id == id)).SingleOrDefaultAsync(cancellationToken);

    public Task<UserInfo?> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        var normalized = email.Trim().ToUpperInvariant();
        return Project(db.Users.Where(u => u.NormalizedEmail == normalized)).SingleOrDefaultAsync(cancellationToken);
    }

    public async Task<IReadOnlyDictionary<Guid, UserInfo>> FindManyAsync(IEnumerable<Guid> ids, CancellationToken cancellationToken)
    {
        var set = ids.Distinct().ToList();
        var users = await Project(db.Users.Where(u => set.Contains(u.Id))).ToListAsync(cancellationToken);
        return users.ToDictionary(u => u!.Id, u => u!);
    }

    private static IQueryable<UserInfo?> Project(IQueryable<ApplicationUser> users) =>
        users.AsNoTracking().Select(u => new UserInfo(
            u.Id, u.Email ?? "", u.FullName, u.AccountType, u.LicenseNumber, u.Specialty, u.CreatedAt));
}
