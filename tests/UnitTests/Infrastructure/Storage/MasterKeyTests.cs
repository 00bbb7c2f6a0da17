using System.Security.Cryptography;
using System.Text;
using MediVault.Infrastructure.Configuration;
using MediVault.Infrastructure.Storage;
using MediVault.UnitTests.TestSupport;
using Microsoft.Extensions.Logging;
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
    private MasterKey LoadAgain() => LoadAgain(NullLogger<MasterKey>.Instance);

    private MasterKey LoadAgain(ILogger<MasterKey> logger, string? configured = null) =>
        new(Options.Create(new MediVaultOptions { DataDirectory = _temp.Root, MasterKey = configured }), _temp.Data, logger);

    /// <summary>The key a wrapping was made with, and its associated data, open it: the documented layout (docs/storage.md).</summary>
    private static byte[] OpenByHand(byte[] masterKey, byte[] wrapped, string associatedData)
    {
        var dataKey = new byte[32];
        using var aes = new AesGcm(masterKey, 16);
        aes.Decrypt(wrapped.AsSpan(1, 12), wrapped.AsSpan(13, 32), wrapped.AsSpan(45), dataKey, Encoding.ASCII.GetBytes(associatedData));
        return dataKey;
    }

    /// <summary>A wrapping made by hand under <paramref name="masterKey"/> with the documented layout and associated data.</summary>
    private static byte[] WrapByHand(byte[] masterKey, byte[] dataKey, string associatedData)
    {
        var wrapped = new byte[MasterKey.WrappedLength];
        wrapped[0] = 1;
        RandomNumberGenerator.Fill(wrapped.AsSpan(1, 12));
        using var aes = new AesGcm(masterKey, 16);
        aes.Encrypt(wrapped.AsSpan(1, 12), dataKey, wrapped.AsSpan(13, 32), wrapped.AsSpan(45), Encoding.ASCII.GetBytes(associatedData));
        return wrapped;
    }

    private static byte[] UnwrapPatientKey(MasterKey masterKey, byte[] wrapped, Guid patientId)
    {
        var dataKey = new byte[32];
        masterKey.UnwrapPatientKey(wrapped, patientId, dataKey);
        return dataKey;
    }

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
        UnwrapPatientKey(again, wrapped, Guid.Empty).Should().Equal(new byte[32]);
    }

    [Fact]
    public void Load_AKeyFileThatIsNotAKey_StopsStartUp()
    {
        File.WriteAllText(KeyFile, Convert.ToBase64String(new byte[31]));

        var act = () => LoadAgain();

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

        UnwrapPatientKey(_temp.MasterKey, patient, id).Should().Equal(key);
        _temp.MasterKey.UnwrapLinkKey(link, id).Should().Equal(key);
        _temp.MasterKey.Invoking(k => UnwrapPatientKey(k, patient, Guid.NewGuid())).Should().Throw<CryptographicException>();
        _temp.MasterKey.Invoking(k => k.UnwrapLinkKey(link, Guid.NewGuid())).Should().Throw<CryptographicException>();
        _temp.MasterKey.Invoking(k => k.UnwrapLinkKey(patient, id)).Should().Throw<CryptographicException>();
        _temp.MasterKey.Invoking(k => UnwrapPatientKey(k, link, id)).Should().Throw<CryptographicException>();
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

    [Fact]
    public void Load_NoKeyFileYet_WritesAnOwnerOnlyKeyAndSaysSo()
    {
        File.Delete(KeyFile);
        var logger = new ListLogger<MasterKey>();

        using var created = LoadAgain(logger);

        Directory.GetFiles(_temp.Data.KeysPath).Select(f => Path.GetFileName(f)).Should().Equal(MasterKey.FileName);
        File.ReadAllText(KeyFile).Should().EndWith("\n", "the file is one line of base64");
        MasterKey.Parse(File.ReadAllText(KeyFile)).Should().Equal(created.Export());
        if (!OperatingSystem.IsWindows())
            File.GetUnixFileMode(KeyFile).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        logger.Entries.Should().ContainSingle().Which.Should().Match<(LogLevel Level, string Message, Exception? Exception)>(
            e => e.Level == LogLevel.Information && e.Message.Contains("Generated a new master key"));
    }

    [Fact]
    public void Load_AnOwnerOnlyKeyFile_WritesNothingAndLogsNothing()
    {
        var before = File.ReadAllBytes(KeyFile);
        var logger = new ListLogger<MasterKey>();

        using var again = LoadAgain(logger);

        Directory.GetFiles(_temp.Data.KeysPath).Select(f => Path.GetFileName(f)).Should().Equal(MasterKey.FileName);
        File.ReadAllBytes(KeyFile).Should().Equal(before);
        again.Export().Should().Equal(_temp.MasterKey.Export());
        logger.Entries.Should().BeEmpty();
    }

    [Theory]
    [InlineData(UnixFileMode.GroupRead)]
    [InlineData(UnixFileMode.GroupWrite)]
    [InlineData(UnixFileMode.OtherRead)]
    [InlineData(UnixFileMode.OtherWrite)]
    public void Load_AKeyFileWithAnyGroupOrOtherPermission_IsMadeOwnerOnlyWithAWarning(UnixFileMode extra)
    {
        if (OperatingSystem.IsWindows())
            return;
        File.SetUnixFileMode(KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | extra);
        var logger = new ListLogger<MasterKey>();

        using var again = LoadAgain(logger);

        File.GetUnixFileMode(KeyFile).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        logger.Entries.Should().ContainSingle().Which.Level.Should().Be(LogLevel.Warning);
    }

    [Fact]
    public void Load_AnEmptyConfiguredKey_UsesTheKeyFile()
    {
        using var again = LoadAgain(NullLogger<MasterKey>.Instance, configured: "");

        again.Export().Should().Equal(_temp.MasterKey.Export());
    }

    [Fact]
    public void Load_AConfiguredKeyThatIsNotThirtyTwoBytes_StopsStartUp()
    {
        var act = () => LoadAgain(NullLogger<MasterKey>.Instance, configured: Convert.ToBase64String(new byte[16]));

        act.Should().Throw<InvalidOperationException>().WithMessage("*MediVault:MasterKey*");
    }

    [Fact]
    public void Wraps_AreBoundToTheDocumentedAssociatedData()
    {
        var seed = RandomNumberGenerator.GetBytes(32);
        using var store = new TempStore(Convert.ToBase64String(seed));
        var dataKey = RandomNumberGenerator.GetBytes(32);
        var id = Guid.NewGuid();

        OpenByHand(seed, store.MasterKey.Wrap(dataKey, "blob-1"), "medivault-dek-v1:blob-1").Should().Equal(dataKey);
        OpenByHand(seed, store.MasterKey.WrapPatientKey(dataKey, id), $"medivault-pdk-v1:{id:D}").Should().Equal(dataKey);
        OpenByHand(seed, store.MasterKey.WrapLinkKey(dataKey, id), $"medivault-shl-v1:{id:D}").Should().Equal(dataKey);
    }

    [Fact]
    public void Unwraps_WrappingsMadeByHandUnderTheDocumentedAssociatedData()
    {
        var seed = RandomNumberGenerator.GetBytes(32);
        using var store = new TempStore(Convert.ToBase64String(seed));
        var dataKey = RandomNumberGenerator.GetBytes(32);
        var id = Guid.NewGuid();

        UnwrapPatientKey(store.MasterKey, WrapByHand(seed, dataKey, $"medivault-pdk-v1:{id:D}"), id).Should().Equal(dataKey);
        store.MasterKey.UnwrapLinkKey(WrapByHand(seed, dataKey, $"medivault-shl-v1:{id:D}"), id).Should().Equal(dataKey);
        store.MasterKey.Unwrap(WrapByHand(seed, dataKey, "medivault-dek-v1:blob-1"), "blob-1").Should().Equal(dataKey);
    }

    [Fact]
    public void Dispose_ZeroesTheKey()
    {
        using var store = new TempStore(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

        store.MasterKey.Dispose();

        store.MasterKey.Export().Should().OnlyContain(b => b == 0);
    }
}
