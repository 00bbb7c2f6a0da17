using MediVault.Infrastructure.Configuration;
using MediVault.Infrastructure.Ledger.Transparency;
using MediVault.UnitTests.Infrastructure.Storage;

namespace MediVault.UnitTests.Infrastructure.Ledger;

/// <summary>Where the checkpoint signer's name and key come from (docs/ledger.md, "Signed checkpoints").</summary>
public sealed class LedgerSigningKeyTests : IDisposable
{
    private readonly TempStore _store = new();

    public void Dispose() => _store.Dispose();

    [Theory]
    [InlineData("vault.example/log", "https://medivault.example", "vault.example/log")]
    [InlineData(null, "https://medivault.example:8443/app", "medivault.example/ledger")]
    [InlineData("", "https://medivault.example", "medivault.example/ledger")]
    [InlineData(null, "not a url", "localhost/ledger")]
    [InlineData(null, null, "localhost/ledger")]
    public void Origin_ConfiguredElseThePublicHostElseLocalhost(string? origin, string? publicBaseUrl, string expected)
    {
        var options = new MediVaultOptions { PublicBaseUrl = publicBaseUrl, Ledger = { Origin = origin } };

        LedgerSigningKey.Origin(options).Should().Be(expected);
    }

    [Fact]
    public void Load_ConfiguredKey_SignsWithItAndWritesNoFile()
    {
        var seed = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var options = new MediVaultOptions { Ledger = { Origin = "vault.example/log", SigningKey = Convert.ToBase64String(seed) } };

        using var signer = LedgerSigningKey.Load(options, _store.Data);

        using var expected = NoteSigner.FromSeed("vault.example/log", seed);
        signer.VerifierKey.Should().Be(expected.VerifierKey);
        File.Exists(Path.Combine(_store.Data.KeysPath, LedgerSigningKey.FileName)).Should().BeFalse();
    }

    [Fact]
    public void Load_NoConfiguredKey_GeneratesOneOwnerOnlyFileAndKeepsUsingIt()
    {
        var options = new MediVaultOptions();

        using var first = LedgerSigningKey.Load(options, _store.Data);
        using var second = LedgerSigningKey.Load(options, _store.Data);

        var path = Path.Combine(_store.Data.KeysPath, LedgerSigningKey.FileName);
        Convert.FromBase64String(File.ReadAllText(path).Trim()).Should().HaveCount(32);
        if (!OperatingSystem.IsWindows())
            File.GetUnixFileMode(path).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        first.Name.Should().Be("localhost/ledger");
        second.VerifierKey.Should().Be(first.VerifierKey);
    }
}
