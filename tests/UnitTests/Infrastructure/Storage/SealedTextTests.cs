using System.Security.Cryptography;
using System.Text;
using MediVault.Infrastructure.Storage;

namespace MediVault.UnitTests.Infrastructure.Storage;

public sealed class SealedTextTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private static readonly Guid Row = Guid.NewGuid();

    /// <summary>Opens with a cipher holding <paramref name="key"/>, as the key ring hands one out (<see cref="PatientKeyRing.CipherFor"/>).</summary>
    private static string Open(byte[] key, byte[] sealedValue, string table, Guid row)
    {
        using var aes = new AesGcm(key, 16);
        return SealedText.Open(aes, sealedValue, table, row);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Penicillin — anaphylaxis")]
    public void Open_WhatWasSealed_ReturnsTheText(string text)
    {
        var sealedValue = SealedText.Seal(Key, text, "EmergencyProfiles", Row);

        Open(Key, sealedValue, "EmergencyProfiles", Row).Should().Be(text);
    }

    [Theory]
    [InlineData(511)]
    [InlineData(512)]
    [InlineData(513)]
    [InlineData(8000)]
    public void Open_TextsAroundTheStackLimitAndTheLongest_ReturnTheText(int bytes)
    {
        var text = new string('a', bytes - 4) + "€x"; // a three-byte character: the UTF-8 length is exactly `bytes`
        var sealedValue = SealedText.Seal(Key, text, "MedicalFiles", Row);

        Open(Key, sealedValue, "MedicalFiles", Row).Should().Be(text);
    }

    /// <summary>The documented layout (docs/storage.md, "Medical text"): version ‖ nonce ‖ ciphertext ‖ tag, and the associated data naming the row.</summary>
    [Fact]
    public void SealAndOpen_AgreeWithAValueMadeByHand_UnderTheDocumentedAssociatedData()
    {
        var associatedData = Encoding.ASCII.GetBytes($"medivault-text-v1:MedicalFiles/{Row:D}");
        var plaintext = Encoding.UTF8.GetBytes("Penicillin — anaphylaxis");
        using var aes = new AesGcm(Key, 16);

        var byHand = new byte[1 + 12 + plaintext.Length + 16];
        byHand[0] = 1;
        RandomNumberGenerator.Fill(byHand.AsSpan(1, 12));
        aes.Encrypt(byHand.AsSpan(1, 12), plaintext, byHand.AsSpan(13, plaintext.Length), byHand.AsSpan(13 + plaintext.Length), associatedData);
        Open(Key, byHand, "MedicalFiles", Row).Should().Be("Penicillin — anaphylaxis");

        var sealedValue = SealedText.Seal(Key, "Penicillin — anaphylaxis", "MedicalFiles", Row);
        var opened = new byte[plaintext.Length];
        aes.Decrypt(sealedValue.AsSpan(1, 12), sealedValue.AsSpan(13, plaintext.Length), sealedValue.AsSpan(13 + plaintext.Length), opened, associatedData);
        opened.Should().Equal(plaintext);
    }

    [Theory]
    [InlineData("Médical")]
    [InlineData("AVeryLongTableNameThatIsLongerThanSixtyFourCharactersWhichNoTableHas")]
    public void Seal_ATableThatIsNotAShortAsciiName_IsRefused(string table)
    {
        FluentActions.Invoking(() => SealedText.Seal(Key, "Penicillin", table, Row)).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Seal_SameTextTwice_GivesDifferentValuesWithoutThePlaintext()
    {
        var first = SealedText.Seal(Key, "Penicillin", "EmergencyProfiles", Row);
        var second = SealedText.Seal(Key, "Penicillin", "EmergencyProfiles", Row);

        first.Should().NotEqual(second);
        first.AsSpan().IndexOf("Penicillin"u8).Should().Be(-1);
    }

    [Fact]
    public void Open_ValueMovedToAnotherRow_Fails()
    {
        var sealedValue = SealedText.Seal(Key, "Penicillin", "MedicalFiles", Row);

        FluentActions.Invoking(() => Open(Key, sealedValue, "MedicalFiles", Guid.NewGuid()))
            .Should().Throw<CryptographicException>();
        FluentActions.Invoking(() => Open(Key, sealedValue, "EmergencyProfiles", Row))
            .Should().Throw<CryptographicException>();
    }

    [Fact]
    public void Open_FlippedBitOrOtherKey_Fails()
    {
        var sealedValue = SealedText.Seal(Key, "Penicillin", "MedicalFiles", Row);
        var flipped = (byte[])sealedValue.Clone();
        flipped[15] ^= 0x01;

        FluentActions.Invoking(() => Open(Key, flipped, "MedicalFiles", Row)).Should().Throw<CryptographicException>();
        FluentActions.Invoking(() => Open(RandomNumberGenerator.GetBytes(32), sealedValue, "MedicalFiles", Row))
            .Should().Throw<CryptographicException>();
    }

    [Fact]
    public void Open_UnknownVersion_Fails()
    {
        var sealedValue = SealedText.Seal(Key, "Penicillin", "MedicalFiles", Row);
        sealedValue[0] = 2;

        FluentActions.Invoking(() => Open(Key, sealedValue, "MedicalFiles", Row)).Should().Throw<CryptographicException>();
    }

    [Fact]
    public void Open_ShorterThanVersionNonceAndTag_Fails()
    {
        var sealedValue = SealedText.Seal(Key, "", "MedicalFiles", Row);

        FluentActions.Invoking(() => Open(Key, sealedValue[..^1], "MedicalFiles", Row)).Should().Throw<CryptographicException>();
    }

    /// <summary>A page of the files list opens every row's description with one cipher.</summary>
    [Fact]
    public void Open_OneCipherForManyRows_OpensEachValueOnlyAsItsOwnRows()
    {
        Guid knee = Guid.NewGuid(), wrist = Guid.NewGuid();
        var kneeValue = SealedText.Seal(Key, "Left knee", "MedicalFiles", knee);
        var wristValue = SealedText.Seal(Key, "Right wrist", "MedicalFiles", wrist);
        using var aes = new AesGcm(Key, 16);

        SealedText.Open(aes, kneeValue, "MedicalFiles", knee).Should().Be("Left knee");
        FluentActions.Invoking(() => SealedText.Open(aes, kneeValue, "MedicalFiles", wrist)).Should().Throw<CryptographicException>();
        SealedText.Open(aes, wristValue, "MedicalFiles", wrist).Should().Be("Right wrist", "a failed open leaves the cipher usable");
    }
}
