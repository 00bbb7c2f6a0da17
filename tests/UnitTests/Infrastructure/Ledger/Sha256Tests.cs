using System.Security.Cryptography;
using MediVault.Infrastructure.Ledger;

namespace MediVault.UnitTests.Infrastructure.Ledger;

/// <summary>The ledger's SHA-256 fast path gives .NET's digest for every length around the block boundaries.</summary>
public sealed class Sha256Tests
{
    [Fact]
    public void OnLinux_TheDirectOpenSslPathIsInUse()
    {
        // Debian's OpenSSL 3 exports SHA256_Init/Update/Final; without them the ledger silently pays the EVP cost again.
        Sha256.UsesOpenSslDirectly.Should().Be(OperatingSystem.IsLinux());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(55)]
    [InlineData(56)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(290)]
    [InlineData(4097)]
    public void Hash_IsTheSha256Digest(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        var digest = new byte[Sha256.HashSize];

        Sha256.Hash(data, digest);

        digest.Should().Equal(SHA256.HashData(data));
    }

    [Fact]
    public void Hash_RefusesADestinationShorterThanADigest()
    {
        var hashingIntoTooFewBytes = () => Sha256.Hash([1, 2, 3], new byte[31]);

        hashingIntoTooFewBytes.Should().Throw<ArgumentException>();
    }
}
