using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using MediVault.IntegrationTests.Infrastructure;

namespace MediVault.IntegrationTests;

/// <summary>
/// Property-based fuzzing (CsCheck) of every JSON endpoint's body and of the multipart upload: whatever arrives, the
/// answer is never a 5xx, and every error is a problem document with a <c>detail</c>.
/// </summary>
public sealed class FuzzTests(MediVaultFactory factory) : IClassFixture<MediVaultFactory>
{
    private const int Iterations = 60;
    private readonly Api _api = new(factory);

    /// <summary>Every field name any JSON body of the API knows, so generated objects reach past "field missing".</summary>
    private static readonly string[] FieldNames =
    [
        "email", "password", "fullName", "accountType", "licenseNumber", "specialty", "refreshToken", "currentPassword",
        "newPassword", "dateOfBirth", "bloodType", "allergies", "conditions", "medications", "emergencyContacts", "organDonor",
        "medicalNotes", "substance", "reaction", "severity", "name", "notes", "dosage", "frequency", "relationship", "phone",
        "expiresInMinutes", "label", "maxUses", "doctorEmail", "expiresAt",
    ];

    private static readonly string[] Interesting =
    [
        "", " ", "\0", "a\0b", "\u202E", "\uFEFF", "\uD800", "patient", "doctor", "O+", "AB-", "unknown", "severe", "mild",
        "2026-01-01", "1900-02-30", "9999-12-31T23:59:59Z", "-1", "0", "1e309", "x@example.com", "<script>alert(1)</script>",
        "' OR 1=1 --", "../../etc/passwd", "%00", new string('a', 300), new string('é', 5000), Guid.Empty.ToString(),
    ];

    private static readonly Gen<JsonNode?> Scalar = Gen.Frequency<JsonNode?>(
        (1, Gen.Const<JsonNode?>(() => null)),
        (1, Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b))),
        (2, Gen.Long.Select(n => (JsonNode?)JsonValue.Create(n))),
        (1, Gen.Double.Where(double.IsFinite).Select(d => (JsonNode?)JsonValue.Create(d))),
        (3, Gen.String.Select(s => (JsonNode?)JsonValue.Create(s))),
        (4, Gen.OneOf(Interesting).Select(s => (JsonNode?)JsonValue.Create(s))));

    private static readonly Gen<JsonNode?> Value = Gen.Recursive<JsonNode?>((depth, value) => depth >= 3
        ? Scalar
        : Gen.Frequency<JsonNode?>(
            (6, Scalar),
            (1, value.Array[0, 4].Select(items => (JsonNode?)new JsonArray([.. items.Select(i => i?.DeepClone())]))),
            (2, Object(value))));

    private static Gen<JsonNode?> Object(Gen<JsonNode?> value) =>
        Gen.Select(Gen.OneOf(FieldNames).Array[0, 8], value.Array[8], (names, values) =>
        {
            var result = new JsonObject();
            for (var i = 0; i < names.Length; i++)
                result[names[i]] = values[i]?.DeepClone();
            return (JsonNode?)result;
        });

    /// <summary>A request body: mostly JSON objects with known fields, sometimes any JSON, sometimes not JSON at all.</summary>
    private static readonly Gen<string> Body = Gen.Frequency(
        (6, Object(Value).Select(node => node!.ToJsonString())),
        (2, Value.Select(node => node?.ToJsonString() ?? "null")),
        (1, Gen.String.Select(s => s)),
        (1, Gen.OneOf("", "{", "[", "{\"email\":", "\"\\u0000\"", "{\"password\":\"\\u0000\"}", "{\"refreshToken\":\"a\\u0000b\"}", "{\"email\":\"a\\u0000@example.com\",\"password\":\"x\"}", "{}{}", "{\"a\":1,\"a\":2}")));

    public static TheoryData<string, string> JsonEndpoints => new()
    {
        { "POST", "/api/auth/register" },
        { "POST", "/api/auth/login" },
        { "POST", "/api/auth/refresh" },
        { "PATCH", "/api/auth/me" },
        { "POST", "/api/auth/change-password" },
        { "POST", "/api/auth/reauthenticate" },
        { "DELETE", "/api/auth/me" },
        { "POST", "/api/emergency-profile/{me}" },
        { "PUT", "/api/emergency-profile/{me}" },
        { "POST", "/api/qr/generate" },
        { "POST", "/api/access-grants" },
    };

    [Theory]
    [MemberData(nameof(JsonEndpoints))]
    public async Task JsonEndpoint_AnyBody_AnswersWithoutServerErrorAndWithProblemDetail(string method, string path)
    {
        var patient = await _api.RegisterPatient();
        var target = path.Replace("{me}", patient.Id.ToString(), StringComparison.Ordinal);

        await Body.SampleAsync(async body =>
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), target)
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            await ShouldAnswerWell(await patient.Client.SendAsync(request), body);
        }, iter: Iterations, threads: 1, print: body => body);
    }

    private static readonly Gen<(string Name, string Value)[]> Fields = Gen.Select(
        Gen.OneOf("category", "description", "recordDate", "patientId", "file", "x", "").Array[0, 5],
        Gen.Frequency((3, Gen.OneOf(Interesting)), (1, Gen.OneOf("lab-report", "imaging", "prescription", "other")), (2, Gen.String)).Array[5],
        (names, values) => names.Select((n, i) => (n, values[i])).ToArray());

    private static readonly Gen<byte[]> FileBytes = Gen.Frequency(
        (2, Gen.Byte.Array[0, 2000]),
        (2, Gen.Byte.Array[0, 2000].Select(tail => "%PDF-1.7\n"u8.ToArray().Concat(tail).ToArray())),
        (1, Gen.Const(() => Array.Empty<byte>())));

    /// <summary>A multipart body: well formed with random fields and file, or broken in one of the ways clients break it.</summary>
    private static readonly Gen<Func<HttpContent>> Upload = Gen.Frequency<Func<HttpContent>>(
        (5, Gen.Select(Fields, FileBytes, Gen.OneOf(Interesting).Where(n => !string.IsNullOrWhiteSpace(n) && !n.Any(c => char.IsControl(c) || char.IsSurrogate(c))), Gen.Bool, (fields, bytes, name, fileFirst) => (Func<HttpContent>)(() =>
        {
            var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(bytes);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            if (fileFirst)
                form.Add(file, "file", name.Length == 0 ? "x" : name);
            foreach (var (fieldName, value) in fields)
                form.Add(new StringContent(value), fieldName.Length == 0 ? "\"\"" : fieldName);
            if (!fileFirst)
                form.Add(file, "file", name.Length == 0 ? "x" : name);
            return form;
        }))),
        (2, Gen.Select(Gen.Byte.Array[0, 500], Gen.OneOf("multipart/form-data; boundary=abc", "multipart/form-data", "multipart/form-data; boundary=",
            "multipart/mixed; boundary=abc", "application/json", "text/plain"), (bytes, type) => (Func<HttpContent>)(() =>
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.TryAddWithoutValidation("Content-Type", type);
            return content;
        }))),
        (2, Gen.Select(Gen.Byte.Array[0, 500], Gen.Bool, (bytes, close) => (Func<HttpContent>)(() =>
        {
            var body = "--abc\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n"u8.ToArray()
                .Concat(bytes).Concat(close ? "\r\n--abc--\r\n"u8.ToArray() : []).ToArray();
            var content = new ByteArrayContent(body);
            content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=abc");
            return content;
        }))));

    [Fact]
    public async Task Upload_AnyMultipartBody_AnswersWithoutServerErrorAndWithProblemDetail()
    {
        var patient = await _api.RegisterPatient();

        await Upload.SampleAsync(async content =>
        {
            using var body = content();
            var description = await body.ReadAsStringAsync();
            await ShouldAnswerWell(await patient.Client.PostAsync("/api/files/upload", body), description);
        }, iter: Iterations * 2, threads: 1, print: content => content().ReadAsStringAsync().Result);
    }

    private async Task ShouldAnswerWell(HttpResponseMessage response, string sent)
    {
        var text = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        status.Should().BeLessThan(500, $"sent: {sent}\nanswer: {text}\nlog: {factory.Logs.Lines.LastOrDefault(l => l.Contains("Exception", StringComparison.Ordinal))}");
        if (status < 400)
            return;
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json", $"sent: {sent}\nanswer {status}: {text}");
        using var problem = JsonDocument.Parse(text);
        problem.RootElement.TryGetProperty("detail", out var detail).Should().BeTrue($"sent: {sent}\nanswer {status}: {text}");
        detail.GetString().Should().NotBeNullOrWhiteSpace();
    }
}
