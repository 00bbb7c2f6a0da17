using System.Security.Cryptography;
using MediVault.Infrastructure.Identity;

namespace MediVault.UnitTests.Infrastructure.Identity;

/// <summary>
/// Token keys from configuration (<see cref="KeyMaterial"/>): base64 DER of an RSA private key of 2048 bits or more, in
/// PKCS#8 or in PKCS#1, which is what <c>openssl genpkey -algorithm RSA -outform DER</c> writes (the command the README
/// and docs/deployment.md give).
/// </summary>
public sealed class KeyMaterialTests
{
    private static readonly RSA Key = RSA.Create(2048);

    [Fact]
    public void Pkcs8_IsValid_AndLoadsTheSameKey()
    {
        var configured = Convert.ToBase64String(Key.ExportPkcs8PrivateKey());

        KeyMaterial.IsValid(configured).Should().BeTrue();
        ModulusOf(KeyMaterial.Load(configured, null!, "signing")).Should().Equal(Key.ExportParameters(false).Modulus);
    }

    [Fact]
    public void Pkcs1_AsOpensslGenpkeyWritesIt_IsValid_AndLoadsTheSameKey()
    {
        var configured = Convert.ToBase64String(Key.ExportRSAPrivateKey());

        KeyMaterial.IsValid(configured).Should().BeTrue();
        ModulusOf(KeyMaterial.Load(configured, null!, "encryption")).Should().Equal(Key.ExportParameters(false).Modulus);
    }

    [Fact]
    public void AKeyShorterThan2048Bits_IsNotValid()
    {
        using var small = RSA.Create(1024);

        KeyMaterial.IsValid(Convert.ToBase64String(small.ExportPkcs8PrivateKey())).Should().BeFalse();
        KeyMaterial.IsValid(Convert.ToBase64String(small.ExportRSAPrivateKey())).Should().BeFalse();
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    [InlineData("")]
    public void SomethingElse_IsNotValid(string configured) => KeyMaterial.IsValid(configured).Should().BeFalse();

    [Fact]
    public void APublicKeyOnly_IsNotValid() =>
        KeyMaterial.IsValid(Convert.ToBase64String(Key.ExportSubjectPublicKeyInfo())).Should().BeFalse();

    private static byte[] ModulusOf(Microsoft.IdentityModel.Tokens.RsaSecurityKey key) => key.Rsa.ExportParameters(false).Modulus!;
}
