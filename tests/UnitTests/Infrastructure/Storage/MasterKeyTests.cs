using System.Security.Cryptography;
using MediVault.Infrastructure.Configuration;
using MediVault.Infrastructure.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MediVault.UnitTests.Infrastructure.Storage;

/// <summary>The master key's file, its wrappings (each bound to what it wraps) and its derived keys (docs/storage.md).</summary>
public sealed class MasterKeyTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    private string KeyFile => Path.Combine(_temp.Data.KeysPath, MasterKey.FileName);

    /// <summary>The master key as the next start on the same data directory loads it.</summary>
    private MasterKey LoadAgain() =>
        new(Options.Create(new MediVaultOptions { DataDirectory = _temp.Root }), _temp.Data, NullLogger<MasterKey>.Instance);

    [Fact]
    public void Load_TheSameDataDirectoryAgain_OpensWhatTheFirstWrapped()
    {
        var dataKey = RandomNumberGenerator.GetBytes(32);
        var wrapped = _temp.MasterKey.Wrap(dataKey, "blob-1");

        using var again = LoadAgain();

        again.Unwrap(wrapped, "blob-1").Should().Equal(dataKey);
    }

    [Fact]
    public void Load_AKeyFileOthersCanRead_IsMadeOwnerOnlyAndStillUsed()
    {
        if (OperatingSystem.IsWindows())
            return;
        var wrapped = _temp.MasterKey.WrapPatientKey(new byte[32], Guid.Empty);
        File.SetUnixFileMode(KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        using var again = LoadAgain();

        File.GetUnixFileMode(KeyFile).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        again.UnwrapPatientKey(wrapped, Guid.Empty).Should().Equal(new byte[32]);
    }

    [Fact]
    public void Load_AKeyFileThatIsNotAKey_StopsStartUp()
    {
        File.WriteAllText(KeyFile, Convert.ToBase64String(new byte[31]));

        var act = LoadAgain;

        act.Should().Throw<InvalidOperationException>().WithMessage("*master key file master.key*");
    }

    [Theory]
    [InlineData(32, true)]
    [InlineData(31, false)]
    [InlineData(33, false)]
    public void Parse_OnlyTheBase64OfThirtyTwoBytes(int length, bool accepted)
    {
        var key = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();

        var parsed = MasterKey.Parse("  " + Convert.ToBase64String(key) + "\n");

        if (accepted)
            parsed.Should().Equal(key);
        else
            parsed.Should().BeNull();
    }

    [Fact]
    public void Wrap_IsVersionNonceKeyAndTag_FreshEachTime()
    {
        var first = _temp.MasterKey.Wrap(new byte[32], "blob");
        var second = _temp.MasterKey.Wrap(new byte[32], "blob");

        first.Should().HaveCount(MasterKey.WrappedLength).And.HaveCount(1 + 12 + 32 + 16);
        first[0].Should().Be(1);
        first.Should().NotEqual(second, "each wrapping has its own nonce");
    }

    [Fact]
    public void Unwrap_UnknownVersionOrLength_IsRefused()
    {
        var wrapped = _temp.MasterKey.Wrap(new byte[32], "blob");
        var otherVersion = (byte[])wrapped.Clone();
        otherVersion[0] = 2;

        _temp.MasterKey.Invoking(k => k.Unwrap(otherVersion, "blob")).Should().Throw<CryptographicException>().WithMessage("*not of a known version*");
        _temp.MasterKey.Invoking(k => k.Unwrap(wrapped[..^1], "blob")).Should().Throw<CryptographicException>().WithMessage("*not of a known version*");
    }

    [Fact]
    public void PatientAndLinkKeys_OpenOnlyForTheirOwnId_AndNotAsTheOtherKind()
    {
        var id = Guid.NewGuid();
        var key = RandomNumberGenerator.GetBytes(32);
        var patient = _temp.MasterKey.WrapPatientKey(key, id);
        var link = _temp.MasterKey.WrapLinkKey(key, id);

        _temp.MasterKey.UnwrapPatientKey(patient, id).Should().Equal(key);
        _temp.MasterKey.UnwrapLinkKey(link, id).Should().Equal(key);
        _temp.MasterKey.Invoking(k => k.UnwrapPatientKey(patient, Guid.NewGuid())).Should().Throw<CryptographicException>();
        _temp.MasterKey.Invoking(k => k.UnwrapLinkKey(link, Guid.NewGuid())).Should().Throw<CryptographicException>();
        _temp.MasterKey.Invoking(k => k.UnwrapLinkKey(patient, id)).Should().Throw<CryptographicException>();
        _temp.MasterKey.Invoking(k => k.UnwrapPatientKey(link, id)).Should().Throw<CryptographicException>();
        _temp.MasterKey.Invoking(k => k.Unwrap(patient, id.ToString("D"))).Should().Throw<CryptographicException>();
    }

    [Fact]
    public void DeriveKey_IsHkdfOfTheMasterKeyWithThePurposeAsInfo()
    {
        var seed = Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray();
        using var store = new TempStore(Convert.ToBase64String(seed));

        var derived = store.MasterKey.DeriveKey("token-signing");

        derived.Should().Equal(HKDF.DeriveKey(HashAlgorithmName.SHA256, seed, 32, info: "token-signing"u8.ToArray()));
        store.MasterKey.DeriveKey("other").Should().NotEqual(derived);
    }
}
