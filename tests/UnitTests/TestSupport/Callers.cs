using MediVault.Application.Common.Abstractions;
using MediVault.Domain.Identity;
using NSubstitute;

namespace MediVault.UnitTests.TestSupport;

/// <summary>The signed-in caller a handler sees (<see cref="ICurrentUser"/>), for unit tests.</summary>
internal static class Callers
{
    public static ICurrentUser As(Guid id, AccountType type, string fullName = "")
    {
        var current = Substitute.For<ICurrentUser>();
        current.UserId.Returns(id);
        current.AccountType.Returns(type);
        current.FullName.Returns(fullName);
        return current;
    }

    public static ICurrentUser As(UserInfo user) => As(user.Id, user.AccountType, user.FullName);

    /// <summary>No one signed in.</summary>
    public static ICurrentUser Anonymous()
    {
        var current = Substitute.For<ICurrentUser>();
        current.UserId.Returns((Guid?)null);
        current.AccountType.Returns((AccountType?)null);
        return current;
    }
}
