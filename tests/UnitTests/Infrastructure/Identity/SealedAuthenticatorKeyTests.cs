using System.Security.Cryptography;
using MediVault.Infrastructure.Identity;
using MediVault.UnitTests.Infrastructure.Storage;

namespace MediVault.UnitTests.Infrastructure.Identity;

/// <summary>The authenticator key at rest (<see cref="SealedAuthenticatorKey"/>): sealed, bound to its account, and legacy plain keys still read.</summary>
public sealed class SealedAuthenticatorKeyTests : IDisposable
{
    private const string Key = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    private readonly TempStore _store = new(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
    private readonly Guid _user = Guid.NewGuid();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void Seal_ThenOpen_GivesTheKeyBack_AndTheStoredTextHidesIt()
    {
        var stored = SealedAuthenticatorKey.Seal(_store.MasterKey, _user, Key);

        stored.Should().StartWith(SealedAuthenticatorKey.Prefix).And.NotContain(Key);
        SealedAuthenticatorKey.Open(_store.MasterKey, _user, stored).Should().Be(Key);
    }

    [Fact]
    public void Seal_TwiceTheSameKey_GivesDifferentText()
    {
        SealedAuthenticatorKey.Seal(_store.MasterKey, _user, Key).Should().NotBe(SealedAuthenticatorKey.Seal(_store.MasterKey, _user, Key));
    }

    [Fact]
    public void Open_OnAnotherAccount_Fails()
    {
        var stored = SealedAuthenticatorKey.Seal(_store.MasterKey, _user, Key);

        FluentActions.Invoking(() => SealedAuthenticatorKey.Open(_store.MasterKey, Guid.NewGuid(), stored))
            .Should().Throw<CryptographicException>();
    }

    [Fact]
    public void Open_UnderAnotherMasterKey_Fails()
    {
        var stored = SealedAuthenticatorKey.Seal(_store.MasterKey, _user, Key);
        using var other = new TempStore(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

        FluentActions.Invoking(() => SealedAuthenticatorKey.Open(other.MasterKey, _user, stored)).Should().Throw<CryptographicException>();
    }

    [Fact]
    public void Open_ADamagedValue_FailsInsteadOfGivingAWrongKey()
    {
        var stored = SealedAuthenticatorKey.Seal(_store.MasterKey, _user, Key);
        var bytes = Convert.FromBase64String(stored[SealedAuthenticatorKey.Prefix.Length..]);
        bytes[^1] ^= 1;

        FluentActions.Invoking(() => SealedAuthenticatorKey.Open(_store.MasterKey, _user, SealedAuthenticatorKey.Prefix + Convert.ToBase64String(bytes)))
            .Should().Throw<CryptographicException>();
        FluentActions.Invoking(() => SealedAuthenticatorKey.Open(_store.MasterKey, _user, SealedAuthenticatorKey.Prefix + "AAAA"))
            .Should().Throw<CryptographicException>();
    }

    [Fact]
    public void Open_AKeyStoredBeforeSealing_ReadsItAsItIs()
    {
        SealedAuthenticatorKey.Open(_store.MasterKey, _user, Key).Should().Be(Key);
    }
}
