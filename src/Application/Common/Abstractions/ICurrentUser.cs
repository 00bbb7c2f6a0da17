using MediVault.Domain.Identity;

namespace MediVault.Application.Common.Abstractions;

/// <summary>Who is making the current request, and from where.</summary>
public interface ICurrentUser
{
    /// <summary>The signed-in user's id, or null for an anonymous caller (or an integration client with no user).</summary>
    Guid? UserId { get; }
    AccountType? AccountType { get; }
    string FullName { get; }
    string? IpAddress { get; }
    string? UserAgent { get; }
}

public static class CurrentUserExtensions
{
    /// <summary>The signed-in user's id; throws <see cref="Exceptions.UnauthorizedException"/> for anyone else.</summary>
    public static Guid RequireUserId(this ICurrentUser user) =>
        user.UserId ?? throw new Exceptions.UnauthorizedException();
}
