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
    public void Verify_MalformedVerifierKey_IsRejected(string verifierKey) =>
        NoteKeys.TryVerify(Text + "\n" + SignatureLine + "\n", verifierKey, out _).Should().BeFalse();

    [Fact]
    public void Checkpoint_RoundTripsThroughItsText()
    {
        var checkpoint = new Checkpoint("vault.example/ledger", 42, Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());

        checkpoint.Text.Should().Be("vault.example/ledger\n42\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n");
        Checkpoint.TryParse(checkpoint.Text, out var parsed).Should().BeTrue();
        parsed.Should().BeEquivalentTo(checkpoint);
        Checkpoint.TryParse("vault.example/ledger\n042\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n", out _).Should().BeFalse();
    }
}
