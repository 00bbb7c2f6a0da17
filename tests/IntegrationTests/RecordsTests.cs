using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MediVault.Domain.Audit;
using MediVault.Infrastructure.Persistence;
using MediVault.IntegrationTests.Infrastructure;
using MediVault.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.IntegrationTests;

public sealed class RecordsTests(MediVaultFactory factory) : IClassFixture<MediVaultFactory>
{
    private readonly Api api = new(factory);

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private async Task<T> InDatabase<T>(Func<AppDbContext, Task<T>> query)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    /// <summary>The patient grants the doctor access through the sharing API, and optionally revokes it again.</summary>
    private static async Task Grant(Session patient, Session doctor, bool thenRevoke = false)
    {
        var grant = await (await patient.Client.PostAsJsonAsync("/api/access-grants", new { doctorEmail = doctor.Email }))
            .ReadAs<GrantAnswer>(HttpStatusCode.Created);
        if (thenRevoke)
            (await patient.Client.DeleteAsync($"/api/access-grants/{grant.Id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    // ---- upload ----

    [Fact]
    public async Task Upload_Pdf_Returns201WithTheFileAnchoredInTheLedger()
    {
        var patient = await api.RegisterPatient();
        var content = SampleFiles.Pdf();

        var response = await patient.PostUpload(content, "blood-test.pdf",
            ("category", "lab-report"), ("description", "Fasting glucose"), ("recordDate", "2026-11-20"));

        var file = await response.ReadAs<FileAnswer>(HttpStatusCode.Created);
        response.Headers.Location!.ToString().Should().Be($"/api/files/download/{file.Id}");
        file.Should().BeEquivalentTo(new
        {
            OwnerId = patient.Id,
            UploadedById = patient.Id,
            FileName = "blood-test.pdf",
            ContentType = "application/pdf",
            SizeBytes = (long)content.Length,
            Category = "lab-report",
            Description = "Fasting glucose",
            RecordDate = "2026-11-20",
            Sha256 = Sha256(content),
        });
        file.LedgerIndex.Should().BePositive();
        var block = await InDatabase(db => db.LedgerBlocks.SingleAsync(b => b.Index == file.LedgerIndex));
        block.Should().BeEquivalentTo(new { Kind = "file-uploaded", ResourceId = file.Id, SubjectId = patient.Id, PayloadHash = file.Sha256, Hash = file.LedgerHash });
    }

    [Fact]
    public async Task Upload_WithoutCategory_IsOther()
    {
        var patient = await api.RegisterPatient();

        var file = await patient.Upload(SampleFiles.Pdf());

        file.Category.Should().Be("other");
        file.Description.Should().BeNull();
        file.RecordDate.Should().BeNull();
    }

    [Fact]
    public async Task Upload_FieldsBeforeTheFile_AreRead()
    {
        var patient = await api.RegisterPatient();
        using var form = new MultipartFormDataContent
        {
            { new StringContent("imaging"), "category" },
            { new StringContent("Chest X-ray"), "description" },
            { new ByteArrayContent(SampleFiles.Png()), "file", "chest.png" },
        };

        var file = await (await patient.Client.PostAsync("/api/files/upload", form)).ReadAs<FileAnswer>(HttpStatusCode.Created);

        file.Category.Should().Be("imaging");
        file.Description.Should().Be("Chest X-ray");
    }

    public static TheoryData<string, string, string> AcceptedTypes => new()
    {
        { "pdf", "scan.pdf", "application/pdf" },
        { "png", "scan.png", "image/png" },
        { "jpeg", "scan.jpeg", "image/jpeg" },
        { "jpeg", "scan.jpg", "image/jpeg" },
        { "dicom", "scan.dcm", "application/dicom" },
        { "dicom", "IM000001", "application/dicom" },
        { "text", "notes.txt", "text/plain" },
        { "text", "notes", "text/plain" },
    };

    [Theory]
    [MemberData(nameof(AcceptedTypes))]
    public async Task Upload_AcceptedType_IsTypedByItsContent(string kind, string fileName, string contentType)
    {
        var patient = await api.RegisterPatient();
        var content = kind switch
        {
            "pdf" => SampleFiles.Pdf(),
            "png" => SampleFiles.Png(),
            "jpeg" => SampleFiles.Jpeg(),
            "dicom" => SampleFiles.Dicom(),
            _ => SampleFiles.Text(),
        };

        var file = await patient.Upload(content, fileName);

        file.ContentType.Should().Be(contentType);
    }

    public static TheoryData<string, byte[], string> RefusedContent => new()
    {
        { "zip archive", [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00], "archive.txt" },
        { "executable", [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00], "setup.txt" },
        { "text with a NUL", Encoding.UTF8.GetBytes("abc\0def"), "notes.txt" },
        { "Latin-1, not UTF-8", [0x63, 0x61, 0x66, 0xE9, 0x0A], "notes.txt" },
        { "UTF-8 cut off mid-character", [0x61, 0x62, 0xE2, 0x82], "notes.txt" },
        { "HTML named .txt is still text, but named .html disagrees", Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html>"), "page.html" },
        { "PDF named .png", SampleFiles.Pdf(), "scan.png" },
        { "PNG named .pdf", SampleFiles.Png(), "scan.pdf" },
        { "text named .exe", SampleFiles.Text(), "run.exe" },
        { "executable named .pdf: unknown content under a known extension", [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00], "report.pdf" },
        { "ELF binary named .png", [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00], "scan.png" },
    };

    [Theory]
    [MemberData(nameof(RefusedContent))]
    public async Task Upload_RefusedContentOrDisagreeingExtension_Returns415AndStoresNothing(string why, byte[] content, string fileName)
    {
        var patient = await api.RegisterPatient();

        var response = await patient.PostUpload(content, fileName);

        var problem = await response.ShouldBeProblem(HttpStatusCode.UnsupportedMediaType);
        problem.Detail.Should().NotBeNullOrWhiteSpace(why);
        (await InDatabase(db => db.MedicalFiles.CountAsync(f => f.OwnerId == patient.Id))).Should().Be(0, why);
    }

    [Fact]
    public async Task Upload_EmptyFile_Returns400NamingFile()
    {
        var patient = await api.RegisterPatient();

        var response = await patient.PostUpload([], "empty.pdf");

        await response.ShouldBeValidationProblemFor("file");
    }

    [Fact]
    public async Task Upload_NoFilePart_Returns400NamingFile()
    {
        var patient = await api.RegisterPatient();
        using var form = new MultipartFormDataContent { { new StringContent("lab-report"), "category" } };

        var response = await patient.Client.PostAsync("/api/files/upload", form);

        await response.ShouldBeValidationProblemFor("file");
    }

    public static TheoryData<string, string, bool> BadFields()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var fieldsFirst in new[] { false, true })
        {
            data.Add("category", "x-ray", fieldsFirst);
            data.Add("category", "LabReport", fieldsFirst);
            data.Add("recordDate", "20/11/2026", fieldsFirst);
            data.Add("recordDate", "2026-02-30", fieldsFirst);
            data.Add("patientId", "not-a-guid", fieldsFirst);
            data.Add("patientId", "00000000-0000-0000-0000-000000000000", fieldsFirst);
            data.Add("description", new string('x', 2001), fieldsFirst);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BadFields))]
    public async Task Upload_BadField_Returns400NamingItAndStoresNothing(string field, string value, bool fieldsFirst)
    {
        var patient = await api.RegisterPatient();

        var response = await patient.Client.PostAsync("/api/files/upload", FileUploads.Form(SampleFiles.Pdf(), "report.pdf", fieldsFirst, (field, value)));

        await response.ShouldBeValidationProblemFor(field);
        (await InDatabase(db => db.MedicalFiles.CountAsync(f => f.OwnerId == patient.Id))).Should().Be(0);
    }

    [Fact]
    public async Task Upload_TwoFiles_Returns400NamingFile()
    {
        var patient = await api.RegisterPatient();
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(SampleFiles.Pdf()), "file", "a.pdf" },
            { new ByteArrayContent(SampleFiles.Pdf()), "file", "b.pdf" },
        };

        var response = await patient.Client.PostAsync("/api/files/upload", form);

        await response.ShouldBeValidationProblemFor("file");
    }

    [Theory]
    [InlineData("category", "category", "lab-report", "prescription", true)]
    [InlineData("category", "category", "lab-report", "prescription", false)]
    [InlineData("Description", "description", "first", "second", true)]
    [InlineData("recordDate", "recordDate", "2026-01-01", "2026-01-02", false)]
    public async Task Upload_AFieldSentTwice_Returns400NamingItAndStoresNothing(string sentAs, string field, string first, string second, bool secondAfterTheFile)
    {
        var patient = await api.RegisterPatient();
        using var form = new MultipartFormDataContent { { new StringContent(first), field } };
        if (secondAfterTheFile)
            form.Add(new ByteArrayContent(SampleFiles.Pdf()), "file", "report.pdf");
        form.Add(new StringContent(second), sentAs);
        if (!secondAfterTheFile)
            form.Add(new ByteArrayContent(SampleFiles.Pdf()), "file", "report.pdf");

        var response = await patient.Client.PostAsync("/api/files/upload", form);

        await response.ShouldBeValidationProblemFor(field);
        (await InDatabase(db => db.MedicalFiles.CountAsync(f => f.OwnerId == patient.Id))).Should().Be(0);
    }

    [Fact]
    public async Task Upload_NotMultipart_Returns415()
    {
        var patient = await api.RegisterPatient();
        using var body = new ByteArrayContent(SampleFiles.Pdf());
        body.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");

        var response = await patient.Client.PostAsync("/api/files/upload", body);

        await response.ShouldBeProblem(HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("../../etc/passwd.txt", "passwd.txt")]
    [InlineData(@"C:\Users\asha\Desktop\scan.pdf", "scan.pdf")]
    [InlineData("lab\u0007 re\u001Bport\t.pdf", "lab report.pdf")]
    [InlineData("invoice\u202Efdp.txt", "invoicefdp.txt")]
    [InlineData("..", "file")]
    public async Task Upload_UnsafeFileName_IsStoredWithoutPathOrControlCharacters(string sent, string stored)
    {
        var patient = await api.RegisterPatient();
        var content = stored.EndsWith(".pdf", StringComparison.Ordinal) ? SampleFiles.Pdf() : SampleFiles.Text();

        var file = await patient.Upload(content, sent);

        file.FileName.Should().Be(stored);
    }

    [Fact]
    public async Task Upload_FileNameStarWithEncodedLineBreaks_IsStoredWithoutThem()
    {
        var patient = await api.RegisterPatient();
        var body = new MemoryStream();
        body.Write(Encoding.ASCII.GetBytes(
            "--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.pdf\"; filename*=UTF-8''lab%0D%0Are%00port.pdf\r\n" +
            "Content-Type: application/pdf\r\n\r\n"));
        body.Write(SampleFiles.Pdf());
        body.Write(Encoding.ASCII.GetBytes("\r\n--b0undary--\r\n"));
        using var content = new ByteArrayContent(body.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=b0undary");

        var file = await (await patient.Client.PostAsync("/api/files/upload", content)).ReadAs<FileAnswer>(HttpStatusCode.Created);

        file.FileName.Should().Be("labreport.pdf");
    }

    [Fact]
    public async Task Upload_VeryLongFileName_IsShortenedKeepingTheExtension()
    {
        var patient = await api.RegisterPatient();

        var file = await patient.Upload(SampleFiles.Pdf(), new string('a', 400) + ".pdf");

        file.FileName.Should().HaveLength(255).And.EndWith(".pdf");
    }

    [Fact]
    public async Task Upload_RecordsTheUploadInThePatientsAccessLog()
    {
        var patient = await api.RegisterPatient();

        var file = await patient.Upload(SampleFiles.Pdf());

        var entries = await InDatabase(db => db.AccessLogEntries.Where(e => e.ResourceId == file.Id).ToListAsync());
        entries.Should().ContainSingle().Which.Should().BeEquivalentTo(new
        {
            PatientId = patient.Id,
            Action = AccessAction.FileUploaded,
            ActorId = (Guid?)patient.Id,
            ActorRole = ActorRole.Patient,
            Outcome = AccessOutcome.Success,
        });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Upload_ByDoctorWithGrant_GoesIntoThePatientsVault(bool fieldsFirst)
    {
        var patient = await api.RegisterPatient();
        var doctor = await api.RegisterDoctor();
        await Grant(patient, doctor);

        var response = await doctor.Client.PostAsync("/api/files/upload",
            FileUploads.Form(SampleFiles.Pdf(), "referral.pdf", fieldsFirst, ("patientId", patient.Id.ToString()), ("category", "prescription")));

        var file = await response.ReadAs<FileAnswer>(HttpStatusCode.Created);

        file.OwnerId.Should().Be(patient.Id);
        file.UploadedById.Should().Be(doctor.Id);
        var list = await (await patient.Client.GetAsync($"/api/files/{patient.Id}")).ReadAs<FilePage>();
        list.Items.Should().ContainSingle(f => f.Id == file.Id);
        var entry = await InDatabase(db => db.AccessLogEntries.SingleAsync(e => e.ResourceId == file.Id));
        entry.ActorRole.Should().Be(ActorRole.Doctor);
    }

    [Fact]
    public async Task Upload_ByDoctorWithoutPatientId_Returns400NamingPatientId()
    {
        var doctor = await api.RegisterDoctor();

        var response = await doctor.PostUpload(SampleFiles.Pdf());

        await response.ShouldBeValidationProblemFor("patientId");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    [Trait("Category", TestConfiguration.EmbeddedOnly)] // looks into blobs/.staging
    public async Task Upload_IntoAnotherPatientsVault_Returns404AndStoresNothing(bool fieldsFirst)
    {
        var patient = await api.RegisterPatient();
        var stranger = await api.RegisterPatient();

        var response = await stranger.Client.PostAsync("/api/files/upload", FileUploads.Form(SampleFiles.Pdf(), "x.pdf", fieldsFirst, ("patientId", patient.Id.ToString())));

        await response.ShouldBeProblem(HttpStatusCode.NotFound);
        (await InDatabase(db => db.MedicalFiles.CountAsync(f => f.OwnerId == patient.Id))).Should().Be(0);
        Directory.EnumerateFiles(Path.Combine(factory.DataDirectory, "blobs", ".staging")).Should().BeEmpty();
    }

    // ---- download ----

    [Fact]
    public async Task Download_OwnFile_ReturnsTheExactBytesWithTheContractHeaders()
    {
        var patient = await api.RegisterPatient();
        var content = SampleFiles.Pdf(10_000);
        var file = await patient.Upload(content, "Résultats sanguins.pdf");

        var response = await patient.Client.GetAsync($"/api/files/download/{file.Id}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(content);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/pdf");
        var disposition = response.Content.Headers.ContentDisposition!;
        disposition.DispositionType.Should().Be("attachment");
        disposition.FileName.Should().NotBeNullOrEmpty();
        disposition.FileNameStar.Should().Be("Résultats sanguins.pdf");
        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
        response.Headers.GetValues("Repr-Digest").Should().Equal($"sha-256=:{Convert.ToBase64String(SHA256.HashData(content))}:");
        response.Headers.AcceptRanges.Should().Contain("bytes");
    }

    [Fact]
    public async Task Download_MultiMegabyteFile_RoundTripsExactly()
    {
        var patient = await api.RegisterPatient();
        var content = SampleFiles.Dicom(5 * 1024 * 1024 + 12_345);
        var file = await patient.Upload(content, "ct-series.dcm");

        var bytes = await patient.Client.GetByteArrayAsync($"/api/files/download/{file.Id}");

        bytes.Should().Equal(content);
        file.Sha256.Should().Be(Sha256(content));
    }

    [Fact]
    public async Task Download_TextFile_DeclaresUtf8()
    {
        var patient = await api.RegisterPatient();
        var file = await patient.Upload(SampleFiles.Text(), "notes.txt");

        var response = await patient.Client.GetAsync($"/api/files/download/{file.Id}");

        response.Content.Headers.ContentType!.ToString().Should().Be("text/plain; charset=utf-8");
    }

    [Fact]
    public async Task Download_RangeAcrossAChunkBoundary_Returns206WithThoseBytes()
    {
        var patient = await api.RegisterPatient();
        var content = SampleFiles.Pdf(300_000);
        var file = await patient.Upload(content);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/files/download/{file.Id}");
        request.Headers.Range = new RangeHeaderValue(65_000, 140_000);

        var response = await patient.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.PartialContent);
        response.Content.Headers.ContentRange!.ToString().Should().Be($"bytes 65000-140000/{content.Length}");
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(content[65_000..140_001]);
    }

    [Fact]
    public async Task Download_SuffixRange_ReturnsTheLastBytes()
    {
        var patient = await api.RegisterPatient();
        var content = SampleFiles.Pdf(100_000);
        var file = await patient.Upload(content);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/files/download/{file.Id}");
        request.Headers.Range = new RangeHeaderValue(null, 500);

        var response = await patient.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.PartialContent);
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(content[^500..]);
    }

    [Fact]
    public async Task Download_RangeBeyondTheEnd_Returns416()
    {
        var patient = await api.RegisterPatient();
        var content = SampleFiles.Pdf(1000);
        var file = await patient.Upload(content);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/files/download/{file.Id}");
        request.Headers.Range = new RangeHeaderValue(5000, 6000);

        var response = await patient.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.RequestedRangeNotSatisfiable);
        response.Content.Headers.ContentRange!.ToString().Should().Be($"bytes */{content.Length}");
    }

    [Fact]
    public async Task Download_RecordsTheDownloadInThePatientsAccessLog()
    {
        var patient = await api.RegisterPatient();
        var doctor = await api.RegisterDoctor();
        await Grant(patient, doctor);
        var file = await patient.Upload(SampleFiles.Pdf());

        (await doctor.Client.GetAsync($"/api/files/download/{file.Id}")).StatusCode.Should().Be(HttpStatusCode.OK);

        var entry = await InDatabase(db => db.AccessLogEntries.SingleAsync(e => e.ResourceId == file.Id && e.Action == AccessAction.FileDownloaded));
        entry.Should().BeEquivalentTo(new { PatientId = patient.Id, ActorId = (Guid?)doctor.Id, ActorRole = ActorRole.Doctor });
    }

    [Theory]
    [InlineData("download")]
    [InlineData("verify")]
    [InlineData("delete")]
    public async Task FileRoute_UnknownFileId_Returns404_WhileTheSameRouteServesTheOwnersFile(string route)
    {
        var patient = await api.RegisterPatient();
        var file = await patient.Upload(SampleFiles.Pdf());

        var unknown = await Call(patient.Client, route, patient.Id, Guid.NewGuid());
        var own = await Call(patient.Client, route, patient.Id, file.Id);

        var problem = await unknown.ShouldBeProblem(HttpStatusCode.NotFound);
        problem.Detail.Should().NotBeNullOrWhiteSpace();
        own.IsSuccessStatusCode.Should().BeTrue($"the {route} route exists: the 404 above is the app's answer, not a missing route");
        (await InDatabase(db => db.AccessLogEntries.CountAsync(e => e.PatientId == patient.Id && e.Outcome == AccessOutcome.Denied)))
            .Should().Be(0, "an unknown id has no patient to log a refusal for");
    }

    // ---- storage at rest ----

    [Fact]
    public async Task Upload_DataDirectory_NeverContainsThePlaintext()
    {
        var patient = await api.RegisterPatient();
        var marker = "PLAINTEXT-" + Guid.NewGuid().ToString("N");
        var content = SampleFiles.Text(string.Concat(Enumerable.Repeat(marker + "\n", 20_000)));

        var file = await patient.Upload(content, "diagnosis.txt");

        (await patient.Client.GetByteArrayAsync($"/api/files/download/{file.Id}")).Should().Equal(content);
        var needle = Encoding.UTF8.GetBytes(marker);
        foreach (var path in Directory.EnumerateFiles(factory.DataDirectory, "*", SearchOption.AllDirectories))
        {
            byte[] bytes;
            await using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                bytes = new byte[stream.Length];
                await stream.ReadExactlyAsync(bytes);
            }
            bytes.AsSpan().IndexOf(needle).Should().Be(-1, $"{Path.GetRelativePath(factory.DataDirectory, path)} must not hold the plaintext");
        }
    }

    /// <summary>
    /// The recipe of docs/storage.md ("Decrypting a blob without MediVault"), done with nothing but AesGcm: it must open
    /// what the server stored. The last chunk opens only with the final flag set, and no other chunk does: that flag is
    /// what makes a blob cut at a chunk boundary fail, so a reader or writer that ignores it is caught here.
    /// </summary>
    [Fact]
    [Trait("Category", TestConfiguration.EmbeddedOnly)] // reads the blob file in blobs/ (S3StorageTests check the same envelope in a bucket)
    public async Task StoredBlob_OpensWithTheDocumentedRecipe_AndOnlyTheLastChunkCarriesTheFinalFlag()
    {
        var patient = await api.RegisterPatient();
        var content = SampleFiles.Pdf(3 * 65_536 + 1000);
        var file = await patient.Upload(content);
        var (storageKey, wrapped) = await InDatabase(async db =>
        {
            var row = await db.MedicalFiles.AsNoTracking().SingleAsync(f => f.Id == file.Id);
            return (row.StorageKey, row.WrappedKey!);
        });
        var master = Convert.FromBase64String(await File.ReadAllTextAsync(Path.Combine(factory.DataDirectory, "keys", "master.key")));
        var blob = await File.ReadAllBytesAsync(Path.Combine(factory.DataDirectory, "blobs", storageKey[..2], storageKey));

        var dataKey = new byte[32];
        using (var unwrap = new AesGcm(master, 16))
            unwrap.Decrypt(wrapped.AsSpan(1, 12), wrapped.AsSpan(13, 32), wrapped.AsSpan(45, 16), dataKey, Encoding.ASCII.GetBytes("medivault-dek-v1:" + storageKey));
        var header = blob[..20];
        header[..8].Should().Equal("MVBLOB\x01\x01"u8.ToArray());
        var chunkSize = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(8));
        var sealedSize = chunkSize + 16;
        var body = blob.AsSpan(20);
        var chunks = (body.Length + sealedSize - 1) / sealedSize;
        using var aes = new AesGcm(dataKey, 16);
        var plaintext = new MemoryStream();
        for (var i = 0; i < chunks; i++)
        {
            var sealedChunk = body.Slice(i * sealedSize, Math.Min(sealedSize, body.Length - i * sealedSize));
            var plain = new byte[sealedChunk.Length - 16];
            var isLast = i == chunks - 1;
            Opens(aes, header, i, !isLast, sealedChunk).Should().BeFalse($"chunk {i} must not open with the final flag {(isLast ? "cleared" : "set")}");
            aes.Decrypt(Nonce(header, i, isLast), sealedChunk[..^16], sealedChunk[^16..], plain, header);
            plaintext.Write(plain);
        }

        chunks.Should().Be(4);
        plaintext.ToArray().Should().Equal(content);
    }

    private static byte[] Nonce(byte[] header, int index, bool isLast)
    {
        var nonce = new byte[12];
        header.AsSpan(12, 7).CopyTo(nonce);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(nonce.AsSpan(7), (uint)index);
        nonce[11] = isLast ? (byte)1 : (byte)0;
        return nonce;
    }

    private static bool Opens(AesGcm aes, byte[] header, int index, bool isLast, ReadOnlySpan<byte> sealedChunk)
    {
        try
        {
            aes.Decrypt(Nonce(header, index, isLast), sealedChunk[..^16], sealedChunk[^16..], new byte[sealedChunk.Length - 16], header);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    [Fact]
    [Trait("Category", TestConfiguration.EmbeddedOnly)] // flips a byte of the blob file in blobs/ (S3StorageTests tamper with an object)
    public async Task Verify_FlippedByteInTheStoredBlob_IsNotIntactAndDownloadFails()
    {
        var patient = await api.RegisterPatient();
        var content = SampleFiles.Pdf(200_000);
        var file = await patient.Upload(content);
        var storageKey = await InDatabase(db => db.MedicalFiles.Where(f => f.Id == file.Id).Select(f => f.StorageKey).SingleAsync());
        var blobPath = Path.Combine(factory.DataDirectory, "blobs", storageKey[..2], storageKey);
        var blob = await File.ReadAllBytesAsync(blobPath);
        blob[150_000] ^= 0x01; // inside the third chunk: the first two go out before the failure is found
        await File.WriteAllBytesAsync(blobPath, blob);

        var verification = await (await patient.Client.GetAsync($"/api/files/{file.Id}/verify")).ReadAs<FileVerificationAnswer>();
        var download = await TryDownload(patient, file.Id);

        verification.Intact.Should().BeFalse();
        verification.LedgerIntact.Should().BeTrue();
        download.Should().NotBeNull("the download must fail").And.NotEqual(content);
        download!.Length.Should().Be(0, "a failed download hands out no bytes as a complete body");
    }

    [Fact]
    [Trait("Category", TestConfiguration.EmbeddedOnly)] // flips a byte of the file in blobs/
    public async Task Download_FlippedByteInTheFirstChunk_Returns500WithoutContent()
    {
        var patient = await api.RegisterPatient();
        var file = await patient.Upload(SampleFiles.Pdf(1000));
        var storageKey = await InDatabase(db => db.MedicalFiles.Where(f => f.Id == file.Id).Select(f => f.StorageKey).SingleAsync());
        var blobPath = Path.Combine(factory.DataDirectory, "blobs", storageKey[..2], storageKey);
        var blob = await File.ReadAllBytesAsync(blobPath);
        blob[100] ^= 0x40;
        await File.WriteAllBytesAsync(blobPath, blob);

        var response = await patient.Client.GetAsync($"/api/files/download/{file.Id}");

        await response.ShouldBeProblem(HttpStatusCode.InternalServerError);
    }

    /// <summary>The body of a download that completed normally, or an empty array when the transfer failed.</summary>
    private static async Task<byte[]?> TryDownload(Session session, Guid fileId)
    {
        try
        {
            var response = await session.Client.GetAsync($"/api/files/download/{fileId}");
            return response.IsSuccessStatusCode ? await response.Content.ReadAsByteArrayAsync() : [];
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return [];
        }
    }

    // ---- verify ----

    [Fact]
    public async Task Verify_UntouchedFile_IsIntactWithItsLedgerBlock()
    {
        var patient = await api.RegisterPatient();
        var content = SampleFiles.Png(70_000);
        var file = await patient.Upload(content, "rash.png");

        var response = await patient.Client.GetAsync($"/api/files/{file.Id}/verify");

        (await response.ReadAs<FileVerificationAnswer>()).Should().Be(
            new FileVerificationAnswer(file.Id, Sha256(content), true, file.LedgerIndex, true));
    }

    [Fact]
    public async Task Verify_LedgerBlockEditedInTheDatabase_IsNotLedgerIntact()
    {
        var patient = await api.RegisterPatient();
        var file = await patient.Upload(SampleFiles.Pdf());
        await InDatabase(db => db.Database.ExecuteSqlAsync(
            $"UPDATE \"LedgerBlocks\" SET \"PayloadHash\" = {new string('e', 64)} WHERE \"Index\" = {file.LedgerIndex}"));

        var verification = await (await patient.Client.GetAsync($"/api/files/{file.Id}/verify")).ReadAs<FileVerificationAnswer>();

        verification.Intact.Should().BeTrue();
        verification.LedgerIntact.Should().BeFalse();
        await InDatabase(db => db.Database.ExecuteSqlAsync(
            $"UPDATE \"LedgerBlocks\" SET \"PayloadHash\" = {file.Sha256} WHERE \"Index\" = {file.LedgerIndex}"));
    }

    // ---- list ----

    [Fact]
    public async Task List_OwnFiles_NewestFirstWithPaging()
    {
        var patient = await api.RegisterPatient();
        var uploaded = new List<FileAnswer>();
        for (var i = 0; i < 3; i++)
            uploaded.Add(await patient.Upload(SampleFiles.Pdf(), $"file-{i}.pdf"));

        var first = await (await patient.Client.GetAsync($"/api/files/{patient.Id}?page=1&pageSize=2")).ReadAs<FilePage>();
        var second = await (await patient.Client.GetAsync($"/api/files/{patient.Id}?page=2&pageSize=2")).ReadAs<FilePage>();

        first.TotalCount.Should().Be(3);
        first.Items.Select(f => f.FileName).Should().Equal("file-2.pdf", "file-1.pdf");
        second.Items.Select(f => f.FileName).Should().Equal("file-0.pdf");
        second.Page.Should().Be(2);
        second.PageSize.Should().Be(2);
    }

    [Fact]
    public async Task List_ByCategory_ReturnsOnlyThatCategory()
    {
        var patient = await api.RegisterPatient();
        await patient.Upload(SampleFiles.Pdf(), "a.pdf", ("category", "lab-report"));
        await patient.Upload(SampleFiles.Pdf(), "b.pdf", ("category", "vaccination"));

        var page = await (await patient.Client.GetAsync($"/api/files/{patient.Id}?category=vaccination")).ReadAs<FilePage>();

        page.Items.Should().ContainSingle().Which.FileName.Should().Be("b.pdf");
    }

    [Theory]
    [InlineData("THYROID", "thyroid-panel.pdf")]
    [InlineData("booster", "card.pdf")]
    [InlineData("100%", "dose-100%.pdf")]
    [InlineData("_", "under_score.pdf")]
    public async Task List_Query_SearchesFileNameAndDescription(string q, string expected)
    {
        var patient = await api.RegisterPatient();
        await patient.Upload(SampleFiles.Pdf(), "thyroid-panel.pdf");
        await patient.Upload(SampleFiles.Pdf(), "card.pdf", ("description", "Covid booster, third dose"));
        await patient.Upload(SampleFiles.Pdf(), "dose-100%.pdf");
        await patient.Upload(SampleFiles.Pdf(), "under_score.pdf");
        await patient.Upload(SampleFiles.Pdf(), "plain.pdf", ("description", "100 mg"));

        var page = await (await patient.Client.GetAsync($"/api/files/{patient.Id}?q={Uri.EscapeDataString(q)}")).ReadAs<FilePage>();

        page.Items.Select(f => f.FileName).Should().Equal(expected);
    }

    [Theory]
    [InlineData("page=0", "page")]
    [InlineData("page=abc", "page")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=101", "pageSize")]
    [InlineData("category=x-ray", "category")]
    public async Task List_BadQuery_Returns400NamingTheField(string query, string field)
    {
        var patient = await api.RegisterPatient();

        var response = await patient.Client.GetAsync($"/api/files/{patient.Id}?{query}");

        await response.ShouldBeValidationProblemFor(field);
    }

    [Fact]
    public async Task List_QueryTooLong_Returns400NamingQ()
    {
        var patient = await api.RegisterPatient();

        var response = await patient.Client.GetAsync($"/api/files/{patient.Id}?q={new string('a', 201)}");

        await response.ShouldBeValidationProblemFor("q");
    }

    // ---- delete ----

    [Fact]
    public async Task Delete_OwnFile_RemovesItFromListsAndDownloadsAndRecordsItInTheLedger()
    {
        var patient = await api.RegisterPatient();
        var file = await patient.Upload(SampleFiles.Pdf());
        var storageKey = await InDatabase(db => db.MedicalFiles.Where(f => f.Id == file.Id).Select(f => f.StorageKey).SingleAsync());

        var response = await patient.Client.DeleteAsync($"/api/files/{file.Id}");

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await (await patient.Client.GetAsync($"/api/files/{patient.Id}")).ReadAs<FilePage>()).Items.Should().BeEmpty();
        (await patient.Client.GetAsync($"/api/files/download/{file.Id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await patient.Client.GetAsync($"/api/files/{file.Id}/verify")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await patient.Client.DeleteAsync($"/api/files/{file.Id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var row = await InDatabase(db => db.MedicalFiles.AsNoTracking().SingleAsync(f => f.Id == file.Id));
        row.DeletedAt.Should().NotBeNull();
        row.DeletedById.Should().Be(patient.Id);
        row.WrappedKey.Should().BeNull("the data key is destroyed");
        File.Exists(Path.Combine(factory.DataDirectory, "blobs", storageKey[..2], storageKey)).Should().BeFalse();
        var blocks = await (await patient.Client.GetAsync("/api/ledger/blocks")).ReadAs<List<BlockAnswer>>();
        blocks.Should().ContainSingle(b => b.Kind == "file-deleted" && b.ResourceId == file.Id && b.PayloadHash == file.Sha256);
        (await InDatabase(db => db.AccessLogEntries.CountAsync(e => e.ResourceId == file.Id && e.Action == AccessAction.FileDeleted))).Should().Be(1);
    }

    [Fact]
    public async Task Delete_ByDoctorWithGrant_Returns404AndKeepsTheFile()
    {
        var patient = await api.RegisterPatient();
        var doctor = await api.RegisterDoctor();
        await Grant(patient, doctor);
        var file = await patient.Upload(SampleFiles.Pdf());

        var response = await doctor.Client.DeleteAsync($"/api/files/{file.Id}");

        await response.ShouldBeProblem(HttpStatusCode.NotFound);
        (await InDatabase(db => db.AccessLogEntries.CountAsync(e => e.PatientId == patient.Id && e.ActorId == doctor.Id
            && e.Action == AccessAction.FileDeleted && e.Outcome == AccessOutcome.Denied))).Should().Be(1, "the access rule refused it");
        (await patient.Client.GetAsync($"/api/files/download/{file.Id}")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    // ---- who may do what ----

    public static TheoryData<string> Routes => new() { "list", "download", "verify", "dicom", "delete", "upload" };

    private static Task<HttpResponseMessage> Call(HttpClient client, string route, Guid ownerId, Guid fileId) => route switch
    {
        "list" => client.GetAsync($"/api/files/{ownerId}"),
        "download" => client.GetAsync($"/api/files/download/{fileId}"),
        "verify" => client.GetAsync($"/api/files/{fileId}/verify"),
        "dicom" => client.GetAsync($"/api/files/{fileId}/dicom"),
        "delete" => client.DeleteAsync($"/api/files/{fileId}"),
        _ => client.PostAsync("/api/files/upload", FileUploads.Form(SampleFiles.Pdf(), "x.pdf", ("patientId", ownerId.ToString()))),
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task AnyRoute_OtherPatientsFile_Returns404AndLogsTheRefusal(string route)
    {
        var owner = await api.RegisterPatient();
        var file = await owner.Upload(SampleFiles.Pdf());
        var stranger = await api.RegisterPatient();

        var response = await Call(stranger.Client, route, owner.Id, file.Id);

        var problem = await response.ShouldBeProblem(HttpStatusCode.NotFound);
        problem.Detail.Should().NotContain(file.Id.ToString()).And.NotContain(owner.Id.ToString());
        (await owner.Client.GetAsync($"/api/files/download/{file.Id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await InDatabase(db => db.AccessLogEntries.CountAsync(e => e.PatientId == owner.Id && e.ActorId == stranger.Id && e.Outcome == AccessOutcome.Denied)))
            .Should().Be(1);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task AnyRoute_DoctorWithRevokedGrant_Returns404AndLogsTheRefusal(string route)
    {
        var owner = await api.RegisterPatient();
        var file = await owner.Upload(SampleFiles.Pdf());
        var doctor = await api.RegisterDoctor();
        await Grant(owner, doctor, thenRevoke: true);

        var response = await Call(doctor.Client, route, owner.Id, file.Id);

        await response.ShouldBeProblem(HttpStatusCode.NotFound);
        (await InDatabase(db => db.AccessLogEntries.CountAsync(e => e.PatientId == owner.Id && e.ActorId == doctor.Id && e.Outcome == AccessOutcome.Denied)))
            .Should().Be(1, "the refusal is the access rule's, and the patient can see it");
        (await owner.Client.GetAsync($"/api/files/download/{file.Id}")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task AnyRoute_Anonymous_Returns401(string route)
    {
        var owner = await api.RegisterPatient();
        var file = await owner.Upload(SampleFiles.Pdf());
        using var anonymous = api.Anonymous();

        var response = await Call(anonymous, route, owner.Id, file.Id);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    // ---- DICOM header (issue 15, preview) ----

    [Fact]
    public async Task Dicom_OwnersStudy_GivesTheStudyDetailsAndNeverThePatientsName()
    {
        var patient = await api.RegisterPatient();
        var file = await patient.Upload(Dcmtk.Write(Dcmtk.ChestCt, "+te"), "thorax.dcm", ("category", "imaging"));

        var response = await patient.Client.GetAsync($"/api/files/{file.Id}/dicom");

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        var summary = JsonSerializer.Deserialize<DicomAnswer>(body, Api.Json)!;
        summary.Should().BeEquivalentTo(new DicomAnswer(
            "1.2.840.10008.1.2.1", "Explicit VR Little Endian", "1.2.840.10008.5.1.4.1.1.2", "CT Image", "CT", "2025-03-14",
            "Thorax CT — low dose", "Axial 1.25 mm", "CHEST", 4, 6, 1));
        body.Should().NotContain("Verma").And.NotContain("MRN-0042");
    }

    [Fact]
    public async Task Dicom_DoctorWithGrant_ReadsItAndThePatientsLogSaysSo()
    {
        var patient = await api.RegisterPatient();
        var doctor = await api.RegisterDoctor();
        await Grant(patient, doctor);
        var file = await patient.Upload(Dcmtk.Write(Dcmtk.ChestCt, "+ti"), "thorax.dcm");

        var summary = await (await doctor.Client.GetAsync($"/api/files/{file.Id}/dicom")).ReadAs<DicomAnswer>();

        summary.Modality.Should().Be("CT");
        summary.TransferSyntax.Should().Be("Implicit VR Little Endian");
        (await InDatabase(db => db.AccessLogEntries.CountAsync(e => e.ResourceId == file.Id && e.ActorId == doctor.Id
            && e.Action == AccessAction.RecordsViewed && e.Outcome == AccessOutcome.Success))).Should().Be(1);
    }

    [Fact]
    public async Task Dicom_APdf_Returns422SayingItIsNotDicom()
    {
        var patient = await api.RegisterPatient();
        var file = await patient.Upload(SampleFiles.Pdf());

        var problem = await (await patient.Client.GetAsync($"/api/files/{file.Id}/dicom")).ShouldBeProblem(HttpStatusCode.UnprocessableEntity);

        problem.Detail.Should().Be("This file is PDF, not DICOM: only a DICOM file has a DICOM header to show.");
    }

    [Fact]
    public async Task Dicom_DamagedHeader_Returns422SayingWhatIsWrong()
    {
        var patient = await api.RegisterPatient();
        var study = Dcmtk.Write(Dcmtk.ChestCt, "+te");
        var descriptionAt = study.AsSpan().IndexOf(new byte[] { 0x08, 0x00, 0x30, 0x10 });
        var file = await patient.Upload(study[..(descriptionAt + 12)], "cut.dcm");

        var problem = await (await patient.Client.GetAsync($"/api/files/{file.Id}/dicom")).ShouldBeProblem(HttpStatusCode.UnprocessableEntity);

        problem.Detail.Should().Be($"The DICOM data is damaged: the element (0008,1030) at byte {descriptionAt} needs 22 more bytes, but the file ends 4 bytes later.");
    }

    [Fact]
    public async Task Dicom_UnknownOrDeletedFile_Returns404()
    {
        var patient = await api.RegisterPatient();
        var file = await patient.Upload(Dcmtk.Write(Dcmtk.ChestCt, "+te"), "thorax.dcm");
        (await patient.Client.DeleteAsync($"/api/files/{file.Id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        await (await patient.Client.GetAsync($"/api/files/{file.Id}/dicom")).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await patient.Client.GetAsync($"/api/files/{Guid.NewGuid()}/dicom")).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    private sealed record DicomAnswer(
        string TransferSyntaxUid, string? TransferSyntax, string? SopClassUid, string? SopClass, string? Modality, string? StudyDate,
        string? StudyDescription, string? SeriesDescription, string? BodyPartExamined, int? Rows, int? Columns, int? NumberOfFrames);

    [Fact]
    public async Task ReadRoutes_DoctorWithGrant_AreAllowed()
    {
        var patient = await api.RegisterPatient();
        var doctor = await api.RegisterDoctor();
        await Grant(patient, doctor);
        var content = SampleFiles.Pdf();
        var file = await patient.Upload(content);

        var list = await (await doctor.Client.GetAsync($"/api/files/{patient.Id}")).ReadAs<FilePage>();
        var bytes = await doctor.Client.GetByteArrayAsync($"/api/files/download/{file.Id}");
        var verification = await (await doctor.Client.GetAsync($"/api/files/{file.Id}/verify")).ReadAs<FileVerificationAnswer>();

        list.Items.Should().ContainSingle(f => f.Id == file.Id);
        bytes.Should().Equal(content);
        verification.Intact.Should().BeTrue();
    }
}
