using System.Buffers.Binary;
using MediVault.Infrastructure.Ledger.Transparency;

namespace MediVault.UnitTests.Infrastructure.Ledger;

/// <summary>The known-answer test of Go's golang.org/x/mod/sumdb/note example: Ed25519 is deterministic.</summary>
public sealed class SignedNoteTests
{
    private const string PrivateKey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    private const string VerifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    private const string Text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    private const string SignatureLine = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=";

    [Fact]
    public void Sign_GoExample_GivesExactlyGosSignatureAndVerifierKey()
    {
        using var signer = NoteSigner.FromGoPrivateKey(PrivateKey);

        signer.VerifierKey.Should().Be(VerifierKey);
        signer.SignatureLine(Text).Should().Be(SignatureLine);
        signer.Sign(Text).Should().Be(Text + "\n" + SignatureLine + "\n");
    }

    [Fact]
    public void Verify_GoExample_AcceptsTheNoteWithTheVerifierKey()
    {
        NoteKeys.TryVerify(Text + "\n" + SignatureLine + "\n", VerifierKey, out var text).Should().BeTrue();
        text.Should().Be(Text);
    }

    [Theory]
    [InlineData("If you think cryptography is the answer to your problem,\nthen you know what your problem is.\n")]
    [InlineData("If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\nextra\n")]
    public void Verify_AlteredText_IsRejected(string altered) =>
        NoteKeys.TryVerify(altered + "\n" + SignatureLine + "\n", VerifierKey, out _).Should().BeFalse();

    [Fact]
    public void Verify_AnotherKey_IsRejected()
    {
        using var other = NoteSigner.FromSeed("PeterNeumann", new byte[32]);

        NoteKeys.TryVerify(Text + "\n" + SignatureLine + "\n", other.VerifierKey, out _).Should().BeFalse();
        NoteKeys.TryVerify(other.Sign(Text), other.VerifierKey, out _).Should().BeTrue();
    }

    [Theory]
    [InlineData("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")] // wrong key id
    [InlineData("PeterNeumann+c74f20a3+Ahpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")] // not type 0x01
    [InlineData("PeterNeumann+c74f20a3")]
    [InlineData("PeterNeumann+c74f20a3+%%%")]
    public void Verify_MalformedVerifierKey_IsRejected_AndGivesNoText(string verifierKey)
    {
        NoteKeys.TryVerify(Text + "\n" + SignatureLine + "\n", verifierKey, out var text).Should().BeFalse();

        text.Should().BeEmpty();
    }

    [Fact]
    public void NullArguments_AreArgumentNullExceptions()
    {
        using var signer = NoteSigner.FromGoPrivateKey(PrivateKey);

        FluentActions.Invoking(() => NoteSigner.FromGoPrivateKey(null!)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => signer.SignatureLine(null!)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => NoteKeys.TryVerify(null!, VerifierKey, out _)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => NoteKeys.TryVerify(Text, null!, out _)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => Checkpoint.TryParse(null!, out _)).Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public void Checkpoint_RoundTripsThroughItsText()
    {
        var checkpoint = new Checkpoint("vault.example/ledger", 42, Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());

        checkpoint.Text.Should().Be("vault.example/ledger\n42\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n");
        Checkpoint.TryParse(checkpoint.Text, out var parsed).Should().BeTrue();
        parsed.Should().BeEquivalentTo(checkpoint);
        Checkpoint.TryParse("vault.example/ledger\n042\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n", out _).Should().BeFalse();
    }

    [Theory]
    [InlineData("PeterNeumann", true)]
    [InlineData("!", true)] // the first printable character after the space
    [InlineData("vault.example/ledger", true)]
    [InlineData("", false)]
    [InlineData("Peter Neumann", false)]
    [InlineData("Peter+Neumann", false)]
    [InlineData("Peter\u007fNeumann", false)]
    [InlineData("Peter\tNeumann", false)]
    public void IsValidName_NonEmptyWithoutSpacesPlusOrControlCharacters(string name, bool valid) =>
        NoteKeys.IsValidName(name).Should().Be(valid);

    [Theory]
    [InlineData("")]
    [InlineData("Peter Neumann")]
    [InlineData("Peter+Neumann")]
    [InlineData("Peter\u007fNeumann")]
    public void FromSeed_InvalidName_IsRefused(string name) =>
        FluentActions.Invoking(() => NoteSigner.FromSeed(name, new byte[32])).Should().Throw<ArgumentException>();

    [Theory]
    [InlineData("PRIVATE+KEY+PeterNeumann+c74f20a3")] // four parts
    [InlineData("SECRET+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")]
    [InlineData("PRIVATE+KEYS+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")]
    [InlineData("PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")] // wrong key id
    [InlineData("PRIVATE+KEY+PeterNeumann+c74f20a3+AoEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")] // type 0x02
    [InlineData("PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDE=")] // a 31-byte seed
    public void FromGoPrivateKey_Malformed_IsAFormatException(string privateKey) =>
        FluentActions.Invoking(() => NoteSigner.FromGoPrivateKey(privateKey)).Should().Throw<FormatException>();

    [Fact]
    public void SignatureLine_TextWithoutItsFinalNewline_IsRefused()
    {
        using var signer = NoteSigner.FromGoPrivateKey(PrivateKey);

        FluentActions.Invoking(() => signer.SignatureLine(Text.TrimEnd('\n'))).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Verify_TextThatIsOneEmptyLine_IsAccepted()
    {
        using var signer = NoteSigner.FromGoPrivateKey(PrivateKey);

        NoteKeys.TryVerify(signer.Sign("\n"), VerifierKey, out var text).Should().BeTrue();
        text.Should().Be("\n");
    }

    [Fact]
    public void Verify_NoteNotEndingWithANewline_IsRejected() =>
        NoteKeys.TryVerify(Text + "\n" + SignatureLine + "\nx", VerifierKey, out _).Should().BeFalse();

    [Fact]
    public void Verify_OurSignatureAfterAnotherSigners_IsAccepted()
    {
        using var other = NoteSigner.FromSeed("Other", new byte[32]);

        NoteKeys.TryVerify(Text + "\n" + other.SignatureLine(Text) + "\n" + SignatureLine + "\n", VerifierKey, out var text).Should().BeTrue();
        text.Should().Be(Text);
    }

    [Theory]
    [InlineData("— PeterNeumann %%%")] // not base64
    [InlineData("— PeterNeumann AAA=")] // two bytes: no key id, no signature
    [InlineData("— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnA==")] // a 63-byte signature
    [InlineData("— PeterNeumann\tx08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=")] // a tab, not a space
    [InlineData("— PeterNeuman x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=")] // another name
    public void Verify_MalformedSignatureLine_IsRejected(string line) =>
        NoteKeys.TryVerify(Text + "\n" + line + "\n", VerifierKey, out _).Should().BeFalse();

    [Fact]
    public void Verify_SignatureLineWithAnotherKeyId_IsRejected_ThoughTheSignatureIsRight()
    {
        var blob = Convert.FromBase64String(SignatureLine["— PeterNeumann ".Length..]);
        BinaryPrimitives.WriteUInt32BigEndian(blob, BinaryPrimitives.ReadUInt32BigEndian(blob) ^ 1);

        NoteKeys.TryVerify(Text + "\n" + "— PeterNeumann " + Convert.ToBase64String(blob) + "\n", VerifierKey, out _).Should().BeFalse();
    }

    [Fact]
    public void Verify_VerifierKeyWithAnInvalidName_IsRejected_ThoughItsIdAndSignatureMatch()
    {
        // "Peter Neumann" (with a space) is no key name; the id and the signature line are made for it all the same.
        using var signer = NoteSigner.FromGoPrivateKey(PrivateKey);
        var keyId = NoteKeys.KeyId("Peter Neumann", signer.PublicKey);
        var blob = Convert.FromBase64String(SignatureLine["— PeterNeumann ".Length..]);
        BinaryPrimitives.WriteUInt32BigEndian(blob, keyId);
        var note = Text + "\n" + "— Peter Neumann " + Convert.ToBase64String(blob) + "\n";

        NoteKeys.TryVerify(note, $"Peter Neumann+{keyId:x8}+{Convert.ToBase64String([0x01, .. signer.PublicKey])}", out _).Should().BeFalse();
    }

    [Fact]
    public void Verify_VerifierKeyWithNoKeyBytes_IsRejected() =>
        NoteKeys.TryVerify(Text + "\n" + SignatureLine + "\n", "PeterNeumann+c74f20a3+", out _).Should().BeFalse();

    [Theory]
    [InlineData("vault.example/ledger\n42\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")] // no final newline
    [InlineData("\n42\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n")] // no origin
    [InlineData("vault.example/ledger\nforty-two\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n")]
    [InlineData("vault.example/ledger\n-42\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n")]
    [InlineData("vault.example/ledger\n42\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==\n")] // a 31-byte root
    [InlineData("vault.example/ledger\n42\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g\n")] // a 33-byte root
    [InlineData("vault.example/ledger\n42\nnot base64\n")]
    public void Checkpoint_Malformed_IsNotParsed_AndGivesAnEmptyCheckpoint(string text)
    {
        Checkpoint.TryParse(text, out var parsed).Should().BeFalse();

        parsed.Origin.Should().BeEmpty();
        parsed.Size.Should().Be(0);
        parsed.Root.Should().BeEmpty();
    }

    [Fact]
    public void Checkpoint_ExtensionLines_AreIgnored()
    {
        Checkpoint.TryParse("vault.example/ledger\n42\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\nextension\n", out var parsed).Should().BeTrue();

        parsed.Should().BeEquivalentTo(new Checkpoint("vault.example/ledger", 42, Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
    }
}
