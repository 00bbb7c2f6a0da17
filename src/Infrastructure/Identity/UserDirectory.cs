using System.Linq.Expressions;
using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace MediVault.Infrastructure.Identity;

internal sealed class UserDirectory(AppDbContext db, IMemoryCache cache) : IUserDirectory
{
    /// <summary>
    /// How long <see cref="FindManyAsync"/> (names shown beside records: "Added by Dr. Sharma") serves a user from
    /// memory, as the profile behind <c>GET /api/auth/me</c> is; a profile change replaces it at once
    /// (<see cref="Forget"/>). Lookups that decide anything read the database.
    /// </summary>
    public static readonly TimeSpan NameLifetime = AccountService.ProfileLifetime;

    /// <summary>
    /// A compiled query, one per model (<see cref="CompiledPerModel{TQuery}"/>): the emergency profile and the access
    /// checks read a user by id on every request, and a LINQ query pays each time for its expression tree and cache lookup.
    /// </summary>
    public Task<UserInfo?> FindByIdAsync(Guid id, CancellationToken cancellationToken) => ById.For(db)(db, id, cancellationToken);

    public Task<UserInfo?> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        var normalized = email.Trim().ToUpperInvariant();
        return Project(db.Users.Where(u => u.NormalizedEmail == normalized)).SingleOrDefaultAsync(cancellationToken);
    }

    public async Task<IReadOnlyDictionary<Guid, UserInfo>> FindManyAsync(IEnumerable<Guid> ids, CancellationToken cancellationToken)
    {
        var found = new Dictionary<Guid, UserInfo>();
        var missing = new List<Guid>();
        foreach (var id in ids.Distinct())
        {
            if (cache.TryGetValue(new NameKey(id), out UserInfo? known) && known is not null)
                found[id] = known;
            else
                missing.Add(id);
        }
        if (missing.Count == 0)
            return found;

        var users = await Project(db.Users.Where(u => EF.Parameter(missing).Contains(u.Id))).ToListAsync(cancellationToken);
        foreach (var user in users)
        {
            found[user!.Id] = user;
            cache.Set(new NameKey(user.Id), user, NameLifetime);
        }
        return found;
    }

    /// <summary>Drops what <see cref="FindManyAsync"/> remembered of the user (after a profile change or a deletion).</summary>
    public static void Forget(IMemoryCache cache, Guid userId) => cache.Remove(new NameKey(userId));

    private readonly record struct NameKey(Guid UserId);

    private static readonly Expression<Func<ApplicationUser, UserInfo?>> AsUserInfo = u => new UserInfo(
        u.Id, u.Email ?? "", u.FullName, u.AccountType, u.LicenseNumber, u.Specialty, u.CreatedAt);

    private static readonly CompiledPerModel<Func<AppDbContext, Guid, CancellationToken, Task<UserInfo?>>> ById = new(() =>
        EF.CompileAsyncQuery((AppDbContext context, Guid id, CancellationToken _) =>
            context.Users.AsNoTracking().Where(u => u.Id == id).Select(AsUserInfo).SingleOrDefault()));

    private static IQueryable<UserInfo?> Project(IQueryable<ApplicationUser> users) => users.AsNoTracking().Select(AsUserInfo);
}
