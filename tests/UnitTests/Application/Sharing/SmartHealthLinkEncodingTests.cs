using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Jose;
using MediVault.Application.Sharing.SmartHealthLinks;
using Base64Url = System.Buffers.Text.Base64Url;

namespace MediVault.UnitTests.Application.Sharing;

/// <summary>
/// The <c>shlink:/</c> encoding and the JWE profile of SMART Health Links, checked against the specification's own
/// examples (HL7/smart-health-cards-and-links, input/pagecontent/links-specification.md) and a second, independent
/// JOSE implementation (jose-jwt).
/// </summary>
public sealed class SmartHealthLinkEncodingTests
{
    private const string SpecKey = "rxTgYlOaKJPFtcEd0qcceN8wEU4p94SqAwIWQe6uX7Q";

    private const string SpecShlink =
        "shlink:/eyJ1cmwiOiJodHRwczovL2Voci5leGFtcGxlLm9yZy9xci9ZOXh3a1VkdG1OOXd3b0pvTjNmZkpJaFgyVUd2Q0wxSm5sUFZOTDNrRFdNL20iLCJmbGFnIjoiTFAiLCJrZXkiOiJyeFRnWWxPYUtKUEZ0Y0VkMHFjY2VOOHdFVTRwOTRTcUF3SVdRZTZ1WDdRIiwibGFiZWwiOiJCYWNrLXRvLXNjaG9vbCBpbW11bml6YXRpb25zIGZvciBPbGl2ZXIgQnJvd24ifQ";

    /// <summary>The specification's "Example Encryption" output: a SMART Health Card file encrypted with <see cref="SpecKey"/>.</summary>
    private const string SpecJwe =
        "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIiwiY3R5IjoiYXBwbGljYXRpb24vc21hcnQtaGVhbHRoLWNhcmQifQ..B9Bd5AW751az-gEx.iah6mxLb5TQe2ZfCwEUs4R1t8WoP0mnFc-TUzN1NIyzUeDwJNOcxv4CY8wV6ys4Dicnr3IhqTvVU1RbR-4eq1GCd4g96faV8_0MbHwXzP246Tz9BDLhQ2zlAjYqvvCi_JuWdyWqGhKeWGX1XibNHFzzVT0FmYensfKF4o0uSeZWQDKVEEhzMSKuALMpUkfwHcmCRfLT-ctANSxq-Zj0IIeT66XbztOomStjlfi-F-FaqBGZfHOARCVvT143CTYELLJCUdD4qUVkrNuLmRZrNuqVpY0g5BjABswkIoDmyoRJAEohuZCamZNA--p-uRqJjRefED1eMrKSppabV2ugaqoFlieujTOE-a3VKib9aC-lFsmLalkwh9ctr_FZqS9H46rqGjGcOxtAXalo1jkMPGupVsE1W-xIH14wbPCYcgfldH9SH7X60462kxD8OFdHpvnnfAvjQnaE4QDqasT5ySpBRtck4GVxs2IRBt62-kOlzoI8lHapLdwIms-Gdt7z38E47ZE3afE4IIbobPGz7wGvjbi3z234ARvGQ4jREgPQb1NRYAEtZlrZNzR6N7ofXD8jF502tw-QWI_Ox0jFP5tynIiMp-hG25ecQ0s4MzPHFC0ZABPamgg3MS-UILl76gMDCHS5Te_JAXZoC1HnkETw5M217SaG5ISAU0F5qETMREfTjZR9E45MDhnw7uY1vo2lffRB3ei1QqGuLh0gUnVU7TUfFYwcOqV15sb0t1lMj0mmyG5v-_dE9H6dYtRKJARltmdfSmc1HisBewx75Xh5ChJQ1hiCEDaZ1wqFjsFJ6SrKgJ7C1N7vx6QKx8YXwFH7ePG2qG39leT5JKZnqAvi9fqc6x-YwfhSjbRKGZoj2o55Fd2fbwtK6CXpiW6AekT7PUcl_7ynTq-DaQ_Yc29WwtmgapcCRNpfcMsoqCD4giu1V3Sj5DQLglwuk1gAMcuV5fo8JpABu2_is83WZ_GJ1WWMUxyZGq6u-EGuZrP96Yewb7-zfnt2lao_LJg1ef5cqDTW7-0MS27wkmLiIi0e-PYvS-UfWVHg1oNbR-MHXMVEQ6gqNg08IgEyPDSFCUbf75HuMILN80bQNtSlFj6FR7uNKHr8sigvKI80k.5flOKKmeqYm0TamwROr8Nw";

    private static readonly byte[] Key = Base64Url.DecodeFromChars(SpecKey);

    [Fact]
    public void SpecExamplePayload_DecodesToItsFields()
    {
        var payload = ShlPayload.Parse(SpecShlink);

        payload.Should().Be(new ShlPayload(
            "https://ehr.example.org/qr/Y9xwkUdtmN9wwoJoN3ffJIhX2UGvCL1JnlPVNL3kDWM/m", SpecKey, Flag: "LP",
            Label: "Back-to-school immunizations for Oliver Brown"));
    }

    [Fact]
    public void SpecExamplePayload_EncodesToThePublishedString()
    {
        var payload = new ShlPayload(
            "https://ehr.example.org/qr/Y9xwkUdtmN9wwoJoN3ffJIhX2UGvCL1JnlPVNL3kDWM/m", SpecKey, Flag: "LP",
            Label: "Back-to-school immunizations for Oliver Brown");

        payload.ToShlink().Should().Be(SpecShlink);
    }

    [Fact]
    public void Payload_WithEveryField_RoundTripsThroughShlink()
    {
        var payload = new ShlPayload("https://vault.example/api/shl/m/abc", SpecKey, 1_900_000_000, "LU", "Ünïcode + \"quotes\" & <tags>", 1);

        ShlPayload.Parse("https://vault.example/shl#" + payload.ToShlink()).Should().Be(payload);
    }

    [Theory]
    [InlineData("https://example.org/not-a-link", "Not a shlink:/ URI.")]
    [InlineData("shlink:/!!!", "The payload is not base64url.")]
    [InlineData("shlink:/eyJmbGFnIjoiTFAifQ", "The payload has no \"url\".")] // {"flag":"LP"}
    [InlineData("shlink:/bm90IGpzb24", "The payload is not a SMART Health Link JSON object.")] // "not json"
    [InlineData("xshlink:/eyJ1cmwiOiJ4Iiwia2V5IjoieSJ9", "Not a shlink:/ URI.")]
    public void Parse_NotAShlink_ThrowsSayingWhy(string link, string message)
    {
        var parse = () => ShlPayload.Parse(link);

        parse.Should().Throw<FormatException>().WithMessage(message);
    }

    [Fact]
    public void Payload_WithAnEmptyFlag_WritesNoFlagMember()
    {
        var shlink = new ShlPayload("https://vault.example/api/shl/m/x", "key", null, "", null, null).ToShlink();

        var json = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(shlink.AsSpan("shlink:/".Length)));

        json.Should().Be("""{"url":"https://vault.example/api/shl/m/x","key":"key"}""");
    }

    [Fact]
    public void Parse_Null_IsAnArgumentError()
    {
        var parse = () => ShlPayload.Parse(null!);

        parse.Should().Throw<ArgumentNullException>().WithParameterName("link");
    }

    [Fact]
    public void Encrypt_AKeyOfAnotherLength_IsAnArgumentError()
    {
        var encrypt = () => Jwe.Encrypt(new byte[16], "a medical fact"u8, "text/plain");

        encrypt.Should().Throw<ArgumentException>().WithMessage("The key must be 32 bytes.*").WithParameterName("key");
    }

    [Theory]
    [InlineData("""{"alg":"dir","enc":"A128GCM"}""", "Only \"alg\":\"dir\" with \"enc\":\"A256GCM\" is supported.")]
    [InlineData("""{"alg":"dir","enc":"A256GCM","zip":"GZ"}""", "Only \"zip\":\"DEF\" is supported.")]
    public void Decrypt_AHeaderOfAnotherProfile_ThrowsSayingWhich(string header, string message)
    {
        var jwe = string.Join('.', Compact(header, "{}"u8.ToArray()));

        FluentActions.Invoking(() => Jwe.Decrypt(Key, jwe)).Should().Throw<FormatException>().WithMessage(message);
    }

    [Fact]
    public void SpecExampleJwe_DecryptsWithTheSpecKey()
    {
        var content = Jwe.Decrypt(Key, SpecJwe);

        content.ContentType.Should().Be("application/smart-health-card");
        using var card = JsonDocument.Parse(content.Plaintext);
        card.RootElement.GetProperty("verifiableCredential")[0].GetString().Should().StartWith("eyJ");
    }

    [Fact]
    public void SpecExampleJwe_WithAnotherKey_FailsAuthentication()
    {
        var decrypt = () => Jwe.Decrypt(RandomNumberGenerator.GetBytes(32), SpecJwe);

        decrypt.Should().Throw<CryptographicException>();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void OurJwe_DecryptsWithJoseJwt(bool deflate)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var plaintext = """{"resourceType":"Bundle","type":"document"}""";

        var jwe = Jwe.Encrypt(key, Encoding.UTF8.GetBytes(plaintext), "application/fhir+json", deflate);

        JWT.Decode(jwe, key).Should().Be(plaintext);
        var headers = JWT.Headers(jwe);
        headers["alg"].Should().Be("dir");
        headers["enc"].Should().Be("A256GCM");
        headers["cty"].Should().Be("application/fhir+json");
        headers.ContainsKey("zip").Should().Be(deflate);
    }

    [Fact]
    public void JoseJwtsJwe_DecryptsWithOurs()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var jwe = JWT.Encode("{\"a\":1}", key, JweAlgorithm.DIR, JweEncryption.A256GCM, JweCompression.DEF,
            new Dictionary<string, object> { ["cty"] = "application/fhir+json" });

        var content = Jwe.Decrypt(key, jwe);

        Encoding.UTF8.GetString(content.Plaintext).Should().Be("{\"a\":1}");
        content.ContentType.Should().Be("application/fhir+json");
    }

    [Fact]
    public void Encrypt_DrawsAFresh96BitIvEachTime()
    {
        var ivs = Enumerable.Range(0, 50).Select(_ => Jwe.Encrypt(Key, "same"u8, "text/plain").Split('.')[2]).ToList();

        ivs.Should().OnlyHaveUniqueItems();
        ivs.Should().OnlyContain(iv => Base64Url.DecodeFromChars(iv).Length == 12);
    }

    [Fact]
    public void Decrypt_AlteredCiphertext_FailsAuthentication()
    {
        var parts = Jwe.Encrypt(Key, "a medical fact"u8, "text/plain").Split('.');
        var ciphertext = Base64Url.DecodeFromChars(parts[3]);
        ciphertext[0] ^= 1;
        parts[3] = Base64Url.EncodeToString(ciphertext);

        var decrypt = () => Jwe.Decrypt(Key, string.Join('.', parts));

        decrypt.Should().Throw<CryptographicException>();
    }

    [Theory]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ..AAAAAAAAAAAAAAAA.AA.AAAAAAAAAAAAAAAAAAAAAA")]
    public void Decrypt_NotThisProfile_ThrowsFormatException(string jwe)
    {
        var decrypt = () => Jwe.Decrypt(Key, jwe);

        decrypt.Should().Throw<FormatException>();
    }

    [Fact]
    public void Passcode_MatchesOnlyItself()
    {
        var hash = ShlPasscode.Hash("4711-open");

        ShlPasscode.Matches("4711-open", hash).Should().BeTrue();
        ShlPasscode.Matches("4711-opeN", hash).Should().BeFalse();
        ShlPasscode.Matches(null, hash).Should().BeFalse();
        hash.Should().StartWith("pbkdf2-sha256$100000$").And.NotContain("4711");
        ShlPasscode.Hash("4711-open").Should().NotBe(hash, "each hash has its own salt");
    }

    /// <summary>A compact JWE of the profile with this protected header, encrypted under <see cref="Key"/>.</summary>
    private static string[] Compact(string header, byte[] plaintext)
    {
        var protectedHeader = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header));
        var iv = RandomNumberGenerator.GetBytes(12);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[16];
        using (var aes = new System.Security.Cryptography.AesGcm(Key, 16))
            aes.Encrypt(iv, plaintext, ciphertext, tag, Encoding.ASCII.GetBytes(protectedHeader));
        return [protectedHeader, "", Base64Url.EncodeToString(iv), Base64Url.EncodeToString(ciphertext), Base64Url.EncodeToString(tag)];
    }

    [Fact]
    public void Decrypt_AnEncryptedKeyPart_OrAnotherNumberOfParts_ThrowsFormatException()
    {
        var parts = Jwe.Encrypt(Key, "a medical fact"u8, "text/plain").Split('.');

        string[][] bent =
        [
            [parts[0], "AAAA", parts[2], parts[3], parts[4]],
            [.. parts, ""],
            parts[..4],
        ];

        Jwe.Decrypt(Key, string.Join('.', parts)).Plaintext.Should().Equal("a medical fact"u8.ToArray());
        foreach (var jwe in bent)
            FluentActions.Invoking(() => Jwe.Decrypt(Key, string.Join('.', jwe))).Should().Throw<FormatException>(string.Join('.', jwe))
                .WithMessage("Not a compact JWE with direct encryption (five parts, an empty encrypted key).");
    }

    [Theory]
    [InlineData(16, 16)]
    [InlineData(12, 12)]
    public void Decrypt_AnIvOrTagOfAnotherLength_ThrowsFormatException(int ivLength, int tagLength)
    {
        var parts = Jwe.Encrypt(Key, "a medical fact"u8, "text/plain").Split('.');
        parts[2] = Base64Url.EncodeToString(new byte[ivLength]);
        parts[4] = Base64Url.EncodeToString(new byte[tagLength]);

        FluentActions.Invoking(() => Jwe.Decrypt(Key, string.Join('.', parts))).Should().Throw<FormatException>().WithMessage("A256GCM needs*");
    }

    [Fact]
    public void Decrypt_AHeaderMemberThatIsNotAString_CountsAsAbsent()
    {
        var jwe = string.Join('.', Compact("""{"alg":"dir","enc":"A256GCM","cty":5,"zip":null}""", "{}"u8.ToArray()));

        var content = Jwe.Decrypt(Key, jwe);

        content.ContentType.Should().BeNull();
        content.Plaintext.Should().Equal("{}"u8.ToArray());
    }

    [Fact]
    public void Decrypt_DeflatedContent_InflatesToExactlyTheLimit_AndNotOneByteMore()
    {
        var atLimit = new byte[Jwe.MaxInflatedBytes];
        var overLimit = new byte[Jwe.MaxInflatedBytes + 1];

        Jwe.Decrypt(Key, Jwe.Encrypt(Key, atLimit, "text/plain", deflate: true)).Plaintext.Should().HaveCount(Jwe.MaxInflatedBytes);
        FluentActions.Invoking(() => Jwe.Decrypt(Key, Jwe.Encrypt(Key, overLimit, "text/plain", deflate: true)))
            .Should().Throw<FormatException>().WithMessage("*inflates beyond the limit*");
    }

    [Fact]
    public void ManifestIds_AreWellFormedOnlyAtTheirLength_InTheBase64UrlAlphabet()
    {
        var id = ShlIds.Create();

        ShlIds.IsWellFormed(id).Should().BeTrue();
        ShlIds.IsWellFormed("-_" + id[2..]).Should().BeTrue();
        ShlIds.IsWellFormed(null).Should().BeFalse();
        ShlIds.IsWellFormed(id[1..]).Should().BeFalse();
        ShlIds.IsWellFormed(id + "A").Should().BeFalse();
        foreach (var bad in new[] { '+', '/', '=', '.', ' ', 'é' })
            ShlIds.IsWellFormed(bad + id[1..]).Should().BeFalse(bad.ToString());
    }
}
