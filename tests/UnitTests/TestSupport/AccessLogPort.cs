using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using NSubstitute;

namespace MediVault.UnitTests.TestSupport;

/// <summary>
/// The access-log port a handler test gives its handler: a substitute, to check what reaches the port, until the test
/// calls <see cref="UseReal"/>; from then on the real <see cref="AccessLog"/> over the test's database, to check the
/// row a handler leaves in the table.
/// </summary>
internal sealed class AccessLogPort(ICurrentUser caller, TimeProvider clock)
{
    private bool _real;

    /// <summary>What the handler is given until <see cref="UseReal"/>.</summary>
    public IAccessLog Substitute { get; } = NSubstitute.Substitute.For<IAccessLog>();

    public void UseReal() => _real = true;

    public IAccessLog For(IAppDbContext db) => _real ? new AccessLog(db, caller, clock) : Substitute;
}
