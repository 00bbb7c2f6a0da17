using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using MediVault.Infrastructure.Storage;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.Infrastructure.Identity.SharedState;

/// <summary>
/// Seals ASP.NET Core Data Protection keys (they protect the session cookie, Identity's tokens and Google sign-in's
/// correlation cookie) before they are written to the shared database: AES-256-GCM under a key derived from the master
/// key, so a database dump without the master key holds no usable cookie key (docs/deployment.md "Shared secrets").
/// </summary>
internal sealed class MasterKeyXmlEncryptor(MasterKey masterKey) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var sealedKey = DataProtectionKeySeal.Seal(masterKey, Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting)));
        var element = new XElement(DataProtectionKeySeal.ElementName,
            new XComment(" Sealed with MediVault's master key (AES-256-GCM). "),
            new XElement("value", Convert.ToBase64String(sealedKey)));
        return new EncryptedXmlInfo(element, typeof(MasterKeyXmlDecryptor));
    }
}

/// <summary>
/// Opens what <see cref="MasterKeyXmlEncryptor"/> sealed. Data Protection creates it by type name with the app's
/// services, so it takes the service provider.
/// </summary>
public sealed class MasterKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var value = encryptedElement.Element("value")?.Value
            ?? throw new CryptographicException("The sealed Data Protection key has no value.");
        var plaintext = DataProtectionKeySeal.Open(services.GetRequiredService<MasterKey>(), Convert.FromBase64String(value));
        return XElement.Parse(Encoding.UTF8.GetString(plaintext));
    }
}

/// <summary>nonce (12) ‖ ciphertext ‖ tag (16) under HKDF(master key, <see cref="Purpose"/>), with the purpose as associated data.</summary>
internal static class DataProtectionKeySeal
{
    public const string ElementName = "medivaultSealedKey";
    private const string Purpose = "medivault-dataprotection-v1";
    private const int NonceLength = 12;
    private const int TagLength = 16;

    public static byte[] Seal(MasterKey masterKey, byte[] plaintext)
    {
        var key = masterKey.DeriveKey(Purpose);
        try
        {
            var output = new byte[NonceLength + plaintext.Length + TagLength];
            RandomNumberGenerator.Fill(output.AsSpan(0, NonceLength));
            using var aes = new AesGcm(key, TagLength);
            aes.Encrypt(output.AsSpan(0, NonceLength), plaintext, output.AsSpan(NonceLength, plaintext.Length),
                output.AsSpan(NonceLength + plaintext.Length), Encoding.ASCII.GetBytes(Purpose));
            return output;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    public static byte[] Open(MasterKey masterKey, byte[] sealedKey)
    {
        if (sealedKey.Length < NonceLength + TagLength)
            throw new CryptographicException("The sealed Data Protection key is too short.");
        var key = masterKey.DeriveKey(Purpose);
        try
        {
            var length = sealedKey.Length - NonceLength - TagLength;
            var plaintext = new byte[length];
            using var aes = new AesGcm(key, TagLength);
            aes.Decrypt(sealedKey.AsSpan(0, NonceLength), sealedKey.AsSpan(NonceLength, length),
                sealedKey.AsSpan(NonceLength + length), plaintext, Encoding.ASCII.GetBytes(Purpose));
            return plaintext;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
