using System.Security.Cryptography;
using MediVault.Infrastructure.Storage;

namespace MediVault.UnitTests.Infrastructure.Storage;

public sealed class SealedTextTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private static readonly Guid Row = Guid.NewGuid();

    [Theory]
    [InlineData("")]
    [InlineData("Penicillin — anaphylaxis")]
    public void Open_WhatWasSealed_ReturnsTheText(string text)
    {
        var sealedValue = SealedText.Seal(Key, text, "EmergencyProfiles", Row);

        SealedText.Open(Key, sealedValue, "EmergencyProfiles", Row).Should().Be(text);
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

        FluentActions.Invoking(() => SealedText.Open(Key, sealedValue, "MedicalFiles", Guid.NewGuid()))
            .Should().Throw<CryptographicException>();
        FluentActions.Invoking(() => SealedText.Open(Key, sealedValue, "EmergencyProfiles", Row))
            .Should().Throw<CryptographicException>();
    }

    [Fact]
    public void Open_FlippedBitOrOtherKey_Fails()
    {
        var sealedValue = SealedText.Seal(Key, "Penicillin", "MedicalFiles", Row);
        var flipped = (byte[])sealedValue.Clone();
        flipped[15] ^= 0x01;

        FluentActions.Invoking(() => SealedText.Open(Key, flipped, "MedicalFiles", Row)).Should().Throw<CryptographicException>();
        FluentActions.Invoking(() => SealedText.Open(RandomNumberGenerator.GetBytes(32), sealedValue, "MedicalFiles", Row))
            .Should().Throw<CryptographicException>();
    }

    [Fact]
    public void Open_UnknownVersion_Fails()
    {
        var sealedValue = SealedText.Seal(Key, "Penicillin", "MedicalFiles", Row);
        sealedValue[0] = 2;

        FluentActions.Invoking(() => SealedText.Open(Key, sealedValue, "MedicalFiles", Row)).Should().Throw<CryptographicException>();
    }

    [Fact]
    public void Open_ShorterThanVersionNonceAndTag_Fails()
    {
        var sealedValue = SealedText.Seal(Key, "", "MedicalFiles", Row);

        FluentActions.Invoking(() => SealedText.Open(Key, sealedValue[..^1], "MedicalFiles", Row)).Should().Throw<CryptographicException>();
    }
}
