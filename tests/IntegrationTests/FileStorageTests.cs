using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using MediVault.Domain.Audit;
using MediVault.Infrastructure.Persistence;
using MediVault.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.IntegrationTests;

/// <summary>The upload limit, interrupted uploads, the start-up sweep and the master key: each test owns its data directory.</summary>
public sealed class FileStorageTests
{
    private const int Limit = 1024 * 1024;

    private static async Task<T> InDatabase<T>(MediVaultFactory factory, Func<AppDbContext, Task<T>> query)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    private static string[] BlobFiles(MediVaultFactory factory) =>
        Directory.EnumerateFiles(Path.Combine(factory.DataDirectory, "blobs"), "*", SearchOption.AllDirectories)
            .Where(p => !Path.GetFileName(p).StartsWith(".health-", StringComparison.Ordinal))
            .ToArray();

    [Fact]
    public async Task Upload_LargerThanTheLimit_Returns413BeforeTheBodyIsRead()
    {
        await using var factory = new MediVaultFactory();
        factory.Settings["MediVault:Files:MaxUploadBytes"] = Limit.ToString();
        // A real server on a loopback port: the in-memory test server answers only after the whole body is sent.
        var uri = factory.StartOnLoopback();
        using var client = new HttpClient { BaseAddress = uri };
        var email = Api.NewEmail("limit");
        (await client.PostAsJsonAsync("/api/auth/register", new { email, password = Api.StrongPassword, fullName = "L", accountType = "patient" }))
            .EnsureSuccessStatusCode();
        var login = await (await client.PostAsJsonAsync("/api/auth/login", new { email, password = Api.StrongPassword })).ReadAs<LoginAnswer>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.AccessToken);

        // Only a server that answers while it reads can pass: the body stalls after 8× the limit until an answer has come.
        var (statusLine, sent) = await SendStalledUploadAsync(uri, login.AccessToken, partsBeforeFile: "", stallAfter: 8L * Limit);

        statusLine.Should().StartWith("HTTP/1.1 413");
        sent.Should().BeLessThanOrEqualTo(8L * Limit);
        (await InDatabase(factory, db => db.MedicalFiles.CountAsync())).Should().Be(0);
        BlobFiles(factory).Should().BeEmpty();
    }

    [Fact]
    public async Task Upload_IntoAnotherPatientsVault_Returns404BeforeTheFileIsRead()
    {
        await using var factory = new MediVaultFactory();
        var uri = factory.StartOnLoopback();
        var api = new Api(factory);
        var owner = await api.RegisterPatient();
        var stranger = await api.RegisterPatient();

        // patientId comes before the file, as the web app sends it; the file never ends.
        var (statusLine, _) = await SendStalledUploadAsync(uri, stranger.AccessToken, TextPart("patientId", owner.Id.ToString()), stallAfter: Limit);

        statusLine.Should().StartWith("HTTP/1.1 404");
        (await InDatabase(factory, db => db.MedicalFiles.CountAsync())).Should().Be(0);
        BlobFiles(factory).Should().BeEmpty();
        (await InDatabase(factory, db => db.AccessLogEntries.CountAsync(e => e.PatientId == owner.Id && e.ActorId == stranger.Id && e.Outcome == AccessOutcome.Denied)))
            .Should().Be(1);
    }

    [Fact]
    public async Task Upload_UnknownCategoryBeforeTheFile_Returns400BeforeTheFileIsRead()
    {
        await using var factory = new MediVaultFactory();
        var uri = factory.StartOnLoopback();
        var patient = await new Api(factory).RegisterPatient();

        var (statusLine, _) = await SendStalledUploadAsync(uri, patient.AccessToken, TextPart("category", "horoscope"), stallAfter: Limit);

        statusLine.Should().StartWith("HTTP/1.1 400");
        BlobFiles(factory).Should().BeEmpty();
    }

    /// <summary>
    /// A raw HTTP/1.1 upload whose chunked body of unknown length (text parts, then a PDF's file part) stops after
    /// <paramref name="stallAfter"/> bytes of the file and waits, never finished, until the server answers.
    /// (HttpClient would insist on sending the whole body first.) Returns the status line and the bytes sent.
    /// </summary>
    private static async Task<(string StatusLine, long Sent)> SendStalledUploadAsync(Uri uri, string accessToken, string partsBeforeFile, long stallAfter)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(uri.Host, uri.Port);
        var stream = tcp.GetStream();
        var answer = ReadStatusLineAsync(stream);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /api/files/upload HTTP/1.1\r\nHost: {uri.Authority}\r\nAuthorization: Bearer {accessToken}\r\n" +
            "Content-Type: multipart/form-data; boundary=XyZ\r\nTransfer-Encoding: chunked\r\n\r\n"));
        await WriteChunkAsync(stream, Encoding.ASCII.GetBytes(partsBeforeFile +
            "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n"));
        var block = new byte[64 * 1024];
        long sent = 0;
        while (sent < stallAfter && !answer.IsCompleted)
        {
            await WriteChunkAsync(stream, block);
            sent += block.Length;
        }
        return (await answer.WaitAsync(TimeSpan.FromSeconds(30)), sent);
    }

    /// <summary>A text part of a multipart body with the boundary <c>XyZ</c>.</summary>
    private static string TextPart(string name, string value) =>
        $"--XyZ\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n";

    private static async Task WriteChunkAsync(Stream stream, byte[] data)
    {
        // A server that neither reads nor answers must fail the test, not hang it.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"{data.Length:X}\r\n"), timeout.Token);
            await stream.WriteAsync(data, timeout.Token);
            await stream.WriteAsync("\r\n"u8.ToArray(), timeout.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The server closed the connection after answering: that is the point.
        }
    }

    private static async Task<string> ReadStatusLineAsync(Stream stream)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (await stream.ReadAsync(one) == 1 && one[0] != (byte)'\n')
            line.Append((char)one[0]);
        return line.ToString().TrimEnd('\r');
    }

    [Fact]
    public async Task Upload_ExactlyTheLimit_IsAccepted()
    {
        await using var factory = new MediVaultFactory();
        factory.Settings["MediVault:Files:MaxUploadBytes"] = Limit.ToString();
        var patient = await new Api(factory).RegisterPatient();

        var file = await patient.Upload(SampleFiles.Pdf(Limit));

        file.SizeBytes.Should().Be(Limit);
    }

    [Fact]
    public async Task Upload_OneByteOverTheLimit_Returns413()
    {
        await using var factory = new MediVaultFactory();
        factory.Settings["MediVault:Files:MaxUploadBytes"] = Limit.ToString();
        var patient = await new Api(factory).RegisterPatient();

        var response = await patient.PostUpload(SampleFiles.Pdf(Limit + 1));

        await response.ShouldBeProblem(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    [Trait("Category", TestConfiguration.EmbeddedOnly)] // looks into the blobs folder
    public async Task Upload_ClientAbortsHalfway_LeavesNoRowBlockOrBlob()
    {
        await using var factory = new MediVaultFactory();
        var patient = await new Api(factory).RegisterPatient();
        var body = new GeneratedFileContent(totalBytes: 8L * 1024 * 1024, failAfterBytes: 3 * 1024 * 1024);

        var act = () => patient.Client.PostAsync("/api/files/upload", Multipart(body));

        await act.Should().ThrowAsync<Exception>();
        await WaitUntil(() => BlobFiles(factory).Length == 0);
        BlobFiles(factory).Should().BeEmpty();
        (await InDatabase(factory, db => db.MedicalFiles.CountAsync())).Should().Be(0);
        (await InDatabase(factory, db => db.LedgerBlocks.CountAsync())).Should().Be(1, "only the genesis block");
        (await InDatabase(factory, db => db.AccessLogEntries.CountAsync(e => e.ResourceType == "file"))).Should().Be(0);
    }

    [Fact]
    [Trait("Category", TestConfiguration.EmbeddedOnly)] // writes orphans into the blobs folder
    public async Task StartUp_AfterACrash_SweepsOrphansAndKeepsLiveBlobs()
    {
        var directory = MediVaultFactory.NewDataDirectoryPath();
        try
        {
            Session patient;
            FileAnswer kept;
            var content = SampleFiles.Pdf(100_000);
            await using (var first = MediVaultFactory.OnDataDirectory(directory))
            {
                patient = await new Api(first).RegisterPatient();
                kept = await patient.Upload(content);
            }
            // What a crash leaves: a half-written staging file, and a blob renamed into place whose row never committed.
            var staging = Path.Combine(directory, "blobs", ".staging", "0123456789abcdef0123456789abcdef.part");
            var orphan = Path.Combine(directory, "blobs", "fe", "fedcba9876543210fedcba9876543210");
            Directory.CreateDirectory(Path.GetDirectoryName(staging)!);
            Directory.CreateDirectory(Path.GetDirectoryName(orphan)!);
            await File.WriteAllBytesAsync(staging, RandomNumberGenerator.GetBytes(1000));
            await File.WriteAllBytesAsync(orphan, RandomNumberGenerator.GetBytes(1000));

            await using var second = MediVaultFactory.OnDataDirectory(directory);
            var again = await new Api(second).LoginAs(patient.Email, patient.Password);

            File.Exists(staging).Should().BeFalse();
            File.Exists(orphan).Should().BeFalse();
            (await again.Client.GetByteArrayAsync($"/api/files/download/{kept.Id}")).Should().Equal(content);
        }
        finally
        {
            MediVaultFactory.TryDelete(directory);
        }
    }

    [Fact]
    public async Task MasterKey_FromConfiguration_IsUsedAndNoKeyFileIsWritten()
    {
        await using var factory = new MediVaultFactory();
        factory.Settings["MediVault:MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var patient = await new Api(factory).RegisterPatient();
        var content = SampleFiles.Png(50_000);

        var file = await patient.Upload(content, "x.png");

        (await patient.Client.GetByteArrayAsync($"/api/files/download/{file.Id}")).Should().Equal(content);
        File.Exists(Path.Combine(factory.DataDirectory, "keys", "master.key")).Should().BeFalse();
    }

    [Fact]
    [Trait("Category", TestConfiguration.EmbeddedOnly)] // a key file in the data directory (PostgreSQL requires the key from configuration)
    public async Task MasterKey_GeneratedInTheDataDirectory_IsOwnerOnly()
    {
        await using var factory = new MediVaultFactory();
        await new Api(factory).RegisterPatient();

        var path = Path.Combine(factory.DataDirectory, "keys", "master.key");

        File.GetUnixFileMode(path).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Convert.FromBase64String((await File.ReadAllTextAsync(path)).Trim()).Should().HaveCount(32);
    }

    [Fact]
    [Trait("Category", TestConfiguration.EmbeddedOnly)] // searches the SQLite file and its WAL
    public async Task Delete_LeavesNoCopyOfTheWrappedKeyInTheDataDirectory()
    {
        await using var factory = new MediVaultFactory();
        var patient = await new Api(factory).RegisterPatient();
        await patient.Upload(SampleFiles.Pdf(), "before.pdf");
        var file = await patient.Upload(SampleFiles.Pdf(), "deleted.pdf");
        await patient.Upload(SampleFiles.Pdf(), "after.pdf");
        var wrappedKey = await InDatabase(factory, db => db.MedicalFiles.Where(f => f.Id == file.Id).Select(f => f.WrappedKey!).SingleAsync());
        FilesHolding(factory, wrappedKey).Should().NotBeEmpty("the database holds the wrapped key until the delete");

        (await patient.Client.DeleteAsync($"/api/files/{file.Id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        // Not in the database file, its write-ahead log or anywhere else: the content can never be decrypted again.
        FilesHolding(factory, wrappedKey).Should().BeEmpty();
    }

    [Fact]
    [Trait("Category", TestConfiguration.EmbeddedOnly)] // SQLite pragmas
    public async Task Database_EveryConnection_ZeroesWhatItDeletesAndCutsBackItsLog()
    {
        await using var factory = new MediVaultFactory();
        await new Api(factory).RegisterPatient();

        var pragmas = await InDatabase(factory, async db =>
        {
            await db.Database.OpenConnectionAsync();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA secure_delete; PRAGMA journal_size_limit;";
            await using var reader = await command.ExecuteReaderAsync();
            var values = new List<long>();
            do
            {
                while (await reader.ReadAsync())
                    values.Add(reader.GetInt64(0));
            } while (await reader.NextResultAsync());
            return values;
        });

        pragmas.Should().Equal(1, 0);
    }

    /// <summary>The files of the data directory (database, WAL, keys, blobs) whose bytes contain <paramref name="needle"/>.</summary>
    private static List<string> FilesHolding(MediVaultFactory factory, byte[] needle) =>
        Directory.EnumerateFiles(factory.DataDirectory, "*", SearchOption.AllDirectories)
            .Where(path =>
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                return copy.GetBuffer().AsSpan(0, (int)copy.Length).IndexOf(needle) >= 0;
            })
            .Select(Path.GetFileName)
            .ToList()!;

    private static MultipartFormDataContent Multipart(HttpContent file)
    {
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        return new MultipartFormDataContent { { file, "file", "big.pdf" } };
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        // The server finishes cleaning up after the client has already seen the failure.
        for (var i = 0; i < 100 && !condition(); i++)
            await Task.Delay(100);
    }

    /// <summary>A PDF-looking body made on the fly, of unknown length (chunked), that counts what it produced.</summary>
    private sealed class GeneratedFileContent(long totalBytes, long failAfterBytes) : HttpContent
    {
        public long BytesProduced { get; private set; }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var block = new byte[64 * 1024];
            "%PDF-1.7\n"u8.CopyTo(block);
            while (BytesProduced < totalBytes)
            {
                if (BytesProduced >= failAfterBytes)
                    throw new IOException("The client went away.");
                await stream.WriteAsync(block);
                BytesProduced += block.Length;
                block.AsSpan(0, 16).Clear();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
