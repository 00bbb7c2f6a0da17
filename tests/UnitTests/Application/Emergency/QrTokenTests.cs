using System.Buffers.Text;
using System.Numerics;
using MediVault.Application.Emergency;

namespace MediVault.UnitTests.Application.Emergency;

public sealed class QrTokenTests
{
    [Fact]
    public void Create_Token_Is43Base64UrlCharactersOf256Bits()
    {
        var token = QrToken.Create();

        token.Should().HaveLength(QrToken.Length).And.MatchRegex("^[A-Za-z0-9_-]{43}$");
        Base64Url.DecodeFromChars(token).Should().HaveCount(32);
    }

    [Fact]
    public void Create_ManyTokens_AllDifferent()
    {
        var tokens = Enumerable.Range(0, 10_000).Select(_ => QrToken.Create()).ToList();

        tokens.Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Create_ManyTokens_BitsAreBalanced()
    {
        // 1000 tokens × 256 bits: a fair source gives 50 % ones ± 0.1 % (one standard deviation); 2 % off is impossible.
        long ones = 0;
        for (var i = 0; i < 1000; i++)
            ones += Base64Url.DecodeFromChars(QrToken.Create()).Sum(b => BitOperations.PopCount(b));

        (ones / (1000.0 * 256)).Should().BeInRange(0.48, 0.52);
    }

    [Fact]
    public void Hash_KnownInput_IsLowerHexSha256OfTheCharacters() =>
        QrToken.Hash("abc").Should().Be("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

    [Fact]
    public void Hash_Token_IsNotTheToken()
    {
        var token = QrToken.Create();

        QrToken.Hash(token).Should().HaveLength(64).And.NotContain(token);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("w82Opd903Y0Wfto5iA1zTEXU1fS_MEUMiYz_ZVrWwH")]     // 42
    [InlineData("w82Opd903Y0Wfto5iA1zTEXU1fS_MEUMiYz_ZVrWwHsX")]   // 44
    [InlineData("w82Opd903Y0Wfto5iA1zTEXU1fS/MEUMiYz+ZVrWwHs")]    // base64, not base64url
    [InlineData("w82Opd903Y0Wfto5iA1zTEXU1fS_MEUMiYz_ZVrWw.s")]
    [InlineData("w82Opd903Y0Wfto5iA1zTEXU1fS_MEUMiYz_ZVrWwé")]
    public void IsWellFormed_NotATokenShape_False(string? candidate) =>
        QrToken.IsWellFormed(candidate).Should().BeFalse();

    [Fact]
    public void IsWellFormed_IssuedToken_True() =>
        QrToken.IsWellFormed(QrToken.Create()).Should().BeTrue();

    [Fact]
    public void HashesEqual_SameAndDifferent_ComparesContent()
    {
        var hash = QrToken.Hash("a");

        QrToken.HashesEqual(hash, QrToken.Hash("a")).Should().BeTrue();
        QrToken.HashesEqual(hash, QrToken.Hash("b")).Should().BeFalse();
        QrToken.HashesEqual(hash, hash[..63]).Should().BeFalse();
    }
}
