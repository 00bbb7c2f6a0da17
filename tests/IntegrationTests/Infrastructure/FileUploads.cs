using System.Net;
using System.Net.Http.Headers;

namespace MediVault.IntegrationTests.Infrastructure;

/// <summary>The file answer of the contract (Medical files).</summary>
public sealed record FileAnswer(
    Guid Id, Guid OwnerId, Guid UploadedById, string FileName, string ContentType, long SizeBytes, string Category,
    string? Description, string? RecordDate, string Sha256, DateTime UploadedAt, long LedgerIndex, string LedgerHash,
    string? UploadedByName = null);

public sealed record FilePage(List<FileAnswer> Items, int Page, int PageSize, int TotalCount);

public sealed record FileVerificationAnswer(Guid FileId, string Sha256, bool Intact, long LedgerIndex, bool LedgerIntact);

public sealed record BlockAnswer(long Index, DateTime Timestamp, string Kind, Guid ResourceId, string PayloadHash, string PreviousHash, string Hash);

public sealed record LedgerVerificationAnswer(bool Valid, long Length, string HeadHash, long? FirstInvalidIndex, string? Problem = null);

public static class FileUploads
{
    /// <summary>A multipart upload form: the file part first, then the given text fields.</summary>
    public static MultipartFormDataContent Form(byte[] content, string fileName = "report.pdf", params (string Name, string Value)[] fields) =>
        Form(content, fileName, fieldsFirst: false, fields);

    /// <summary>A multipart upload form with the text fields before the file part (as the web app sends it) or after it.</summary>
    public static MultipartFormDataContent Form(byte[] content, string fileName, bool fieldsFirst, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        if (!fieldsFirst)
            form.Add(file, "file", fileName);
        foreach (var (name, value) in fields)
            form.Add(new StringContent(value), name);
        if (fieldsFirst)
            form.Add(file, "file", fileName);
        return form;
    }

    public static Task<HttpResponseMessage> PostUpload(this Session session, byte[] content, string fileName = "report.pdf", params (string Name, string Value)[] fields) =>
        session.Client.PostAsync("/api/files/upload", Form(content, fileName, fields));

    /// <summary>Uploads and asserts the 201.</summary>
    public static async Task<FileAnswer> Upload(this Session session, byte[] content, string fileName = "report.pdf", params (string Name, string Value)[] fields) =>
        await (await session.PostUpload(content, fileName, fields)).ReadAs<FileAnswer>(HttpStatusCode.Created);
}
