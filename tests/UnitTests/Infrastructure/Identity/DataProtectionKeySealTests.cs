using System.Security.Cryptography;
using System.Xml.Linq;
using MediVault.Infrastructure.Identity.SharedState;
using MediVault.UnitTests.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.UnitTests.Infrastructure.Identity;

/// <summary>Data Protection keys are stored in the shared database sealed with the master key (decisions §95).</summary>
public sealed class DataProtectionKeySealTests
{
    private static readonly XElement Key = new("descriptor", new XElement("masterKey", "c2VjcmV0LWtleS1tYXRlcmlhbA=="));

    private static (Sealer Seal, TempStore Store) With(string masterKey)
    {
        var store = new TempStore(masterKey);
        var services = new ServiceCollection().AddSingleton(store.MasterKey).BuildServiceProvider();
        return (new Sealer(new MasterKeyXmlEncryptor(store.MasterKey), new MasterKeyXmlDecryptor(services)), store);
    }

    private sealed record Sealer(MasterKeyXmlEncryptor Encryptor, MasterKeyXmlDecryptor Decryptor);

    [Fact]
    public void Sealed_HoldsNoKeyMaterial_AndOpensToTheSameXml()
    {
        var (seal, store) = With(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        using var _ = store;

        var sealedKey = seal.Encryptor.Encrypt(Key);

        sealedKey.DecryptorType.Should().Be<MasterKeyXmlDecryptor>();
        sealedKey.EncryptedElement.ToString().Should().NotContain("masterKey").And.NotContain("c2VjcmV0");
        XNode.DeepEquals(seal.Decryptor.Decrypt(sealedKey.EncryptedElement), Key).Should().BeTrue();
    }

    [Fact]
    public void AnotherMasterKey_CannotOpenIt()
    {
        var (seal, store) = With(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        var (other, otherStore) = With(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        using var _ = store;
        using var __ = otherStore;

        var sealedKey = seal.Encryptor.Encrypt(Key);

        FluentActions.Invoking(() => other.Decryptor.Decrypt(sealedKey.EncryptedElement)).Should().Throw<CryptographicException>();
    }

    [Fact]
    public void AlteredCiphertext_IsRefused()
    {
        var (seal, store) = With(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        using var _ = store;
        var element = seal.Encryptor.Encrypt(Key).EncryptedElement;
        var bytes = Convert.FromBase64String(element.Element("value")!.Value);
        bytes[^20] ^= 1;
        element.Element("value")!.Value = Convert.ToBase64String(bytes);

        FluentActions.Invoking(() => seal.Decryptor.Decrypt(element)).Should().Throw<CryptographicException>();
    }
}
