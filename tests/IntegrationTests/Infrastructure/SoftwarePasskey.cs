using System.Buffers.Binary;
using System.Buffers.Text;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MediVault.IntegrationTests.Infrastructure;

/// <summary>
/// A test-only WebAuthn authenticator and client in one: one ES256 (P-256) credential, "none" attestation, user present
/// and verified. It answers the options the server sends exactly as a browser's <c>PublicKeyCredential.toJSON()</c>
/// would, so the server's real verification (Identity's passkey handler) runs against an independent client side.
/// Browser tests use Chromium's own virtual authenticator instead.
/// </summary>
public sealed class SoftwarePasskey : IDisposable
{
    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <param name="origin">What the "browser" puts in clientDataJSON: the page's origin (the test server's is http://localhost).</param>
    public SoftwarePasskey(string origin = "http://localhost") => Origin = origin;

    public string Origin { get; set; }
    public byte[] CredentialId { get; } = RandomNumberGenerator.GetBytes(16);
    public string CredentialIdText => Base64Url.EncodeToString(CredentialId);

    /// <summary>The user handle from the creation options (the account the credential was made for).</summary>
    public string? UserHandle { get; private set; }

    public uint SignCount { get; set; }

    /// <summary>Answers creation options (the <c>options</c> of the API's ceremony) with a new credential.</summary>
    public JsonObject Create(JsonElement options, string? challengeOverride = null)
    {
        UserHandle = options.GetProperty("user").GetProperty("id").GetString();
        var clientData = ClientData("webauthn.create", challengeOverride ?? options.GetProperty("challenge").GetString()!);
        var authData = AuthenticatorData(RpId(options, "id"), attested: true);
        var attestation = Cbor.Map(
            (Cbor.Text("fmt"), Cbor.Text("none")),
            (Cbor.Text("attStmt"), Cbor.Map()),
            (Cbor.Text("authData"), Cbor.Bytes(authData)));
        return new JsonObject
        {
            ["id"] = CredentialIdText,
            ["rawId"] = CredentialIdText,
            ["type"] = "public-key",
            ["authenticatorAttachment"] = "platform",
            ["clientExtensionResults"] = new JsonObject(),
            ["response"] = new JsonObject
            {
                ["clientDataJSON"] = Base64Url.EncodeToString(clientData),
                ["attestationObject"] = Base64Url.EncodeToString(attestation),
                ["transports"] = new JsonArray("internal"),
            },
        };
    }

    /// <summary>Answers request options with an assertion signed by this credential.</summary>
    public JsonObject Get(JsonElement options, string? challengeOverride = null)
    {
        SignCount++;
        var clientData = ClientData("webauthn.get", challengeOverride ?? options.GetProperty("challenge").GetString()!);
        var authData = AuthenticatorData(RpId(options, null), attested: false);
        var signature = key.SignData([.. authData, .. SHA256.HashData(clientData)], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return new JsonObject
        {
            ["id"] = CredentialIdText,
            ["rawId"] = CredentialIdText,
            ["type"] = "public-key",
            ["authenticatorAttachment"] = "platform",
            ["clientExtensionResults"] = new JsonObject(),
            ["response"] = new JsonObject
            {
                ["clientDataJSON"] = Base64Url.EncodeToString(clientData),
                ["authenticatorData"] = Base64Url.EncodeToString(authData),
                ["signature"] = Base64Url.EncodeToString(signature),
                ["userHandle"] = UserHandle,
            },
        };
    }

    /// <summary>Registers this credential on the signed-in client's account through the API; answers the passkey's id.</summary>
    public async Task<string> RegisterAsync(HttpClient signedIn, string name = "Test key")
    {
        var ceremony = await (await signedIn.PostAsync("/api/account/passkeys/options", null)).ReadAs<CeremonyAnswer>();
        var added = await signedIn.PostAsJsonAsync("/api/account/passkeys", new { ceremony = ceremony.Ceremony, credential = Create(ceremony.Options), name });
        return (await added.ReadAs<JsonElement>(System.Net.HttpStatusCode.Created)).GetProperty("id").GetString()!;
    }

    /// <summary>Starts a sign-in and answers it; the response is the API's (tokens, or a problem).</summary>
    public async Task<HttpResponseMessage> SignInAsync(HttpClient client)
    {
        var ceremony = await (await client.PostAsync("/api/auth/passkey/options", null)).ReadAs<CeremonyAnswer>();
        return await client.PostAsJsonAsync("/api/auth/passkey", new { ceremony = ceremony.Ceremony, credential = Get(ceremony.Options) });
    }

    public void Dispose() => key.Dispose();

    private string RpId(JsonElement options, string? rpProperty)
    {
        var rp = rpProperty is null ? options : options.GetProperty("rp");
        return rp.TryGetProperty(rpProperty ?? "rpId", out var id) && id.GetString() is { Length: > 0 } text ? text : new Uri(Origin).Host;
    }

    private byte[] ClientData(string type, string challenge) =>
        Encoding.UTF8.GetBytes(new JsonObject { ["type"] = type, ["challenge"] = challenge, ["origin"] = Origin, ["crossOrigin"] = false }.ToJsonString());

    private byte[] AuthenticatorData(string rpId, bool attested)
    {
        const byte UserPresent = 0x01, UserVerified = 0x04, AttestedCredentialData = 0x40;
        var data = new List<byte>(SHA256.HashData(Encoding.UTF8.GetBytes(rpId)))
        {
            (byte)(UserPresent | UserVerified | (attested ? AttestedCredentialData : 0)),
        };
        var count = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(count, attested ? 0 : SignCount);
        data.AddRange(count);
        if (!attested)
            return [.. data];

        data.AddRange(new byte[16]); // AAGUID: none
        data.Add((byte)(CredentialId.Length >> 8));
        data.Add((byte)CredentialId.Length);
        data.AddRange(CredentialId);
        var point = key.ExportParameters(false).Q;
        data.AddRange(Cbor.Map( // COSE_Key, EC2 on P-256 for ES256, keys in CTAP2 canonical order
            (Cbor.Int(1), Cbor.Int(2)),
            (Cbor.Int(3), Cbor.Int(-7)),
            (Cbor.Int(-1), Cbor.Int(1)),
            (Cbor.Int(-2), Cbor.Bytes(point.X!)),
            (Cbor.Int(-3), Cbor.Bytes(point.Y!))));
        return [.. data];
    }

    /// <summary>The API's answer that starts a ceremony.</summary>
    public sealed record CeremonyAnswer(string Ceremony, JsonElement Options, int ExpiresIn);

    /// <summary>The few CBOR items (RFC 8949) an attestation object needs, definite lengths only.</summary>
    private static class Cbor
    {
        public static byte[] Int(long value) => value >= 0 ? Head(0, (ulong)value) : Head(1, (ulong)(-1 - value));

        public static byte[] Bytes(byte[] value) => [.. Head(2, (ulong)value.Length), .. value];

        public static byte[] Text(string value) => [.. Head(3, (ulong)Encoding.UTF8.GetByteCount(value)), .. Encoding.UTF8.GetBytes(value)];

        public static byte[] Map(params (byte[] Key, byte[] Value)[] entries) =>
            [.. Head(5, (ulong)entries.Length), .. entries.SelectMany(e => e.Key.Concat(e.Value))];

        private static byte[] Head(int major, ulong value)
        {
            var type = (byte)(major << 5);
            return value switch
            {
                < 24 => [(byte)(type | (byte)value)],
                <= byte.MaxValue => [(byte)(type | 24), (byte)value],
                <= ushort.MaxValue => [(byte)(type | 25), (byte)(value >> 8), (byte)value],
                _ => [(byte)(type | 26), (byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value],
            };
        }
    }
}
