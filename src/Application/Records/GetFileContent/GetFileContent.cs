using System.Buffers;
using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Domain.Audit;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Records.GetFileContent;

/// <summary>Opens a file's content for download and records the download in the patient's access log.</summary>
public sealed record GetFileContent(Guid FileId) : IQuery<FileContent>;

/// <summary>The decrypting, seekable content stream and what the response needs to describe it. The caller disposes it.</summary>
public sealed record FileContent(Stream Content, string FileName, string ContentType, long SizeBytes, string Sha256, DateTime UploadedAt)
{
    /// <summary>
    /// Authenticates the bytes <paramref name="from"/> … <paramref name="from"/> + <paramref name="length"/> − 1 before any
    /// is sent: reading them through the store's stream checks the tag of every chunk they touch (<see cref="IFileStore.OpenReadAsync"/>),
    /// so a damaged chunk throws <see cref="StoredContentCorruptException"/> now, while an error answer can still be given.
    /// The stream is left at the start of the content.
    /// </summary>
    public async Task AuthenticateAsync(long from, long length, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            Content.Position = from;
            for (var remaining = length; remaining > 0;)
            {
                var read = await Content.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken);
                if (read == 0)
                    throw new StoredContentCorruptException("The stored content is shorter than the uploaded file.");
                remaining -= read;
            }
            Content.Position = 0;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true); // plaintext does not outlive the check
        }
    }
}

public sealed class GetFileContentHandler(IAppDbContext db, IRecordAccess access, IAccessLog accessLog, IFileStore store)
    : IQueryHandler<GetFileContent, FileContent>
{
    public async ValueTask<FileContent> Handle(GetFileContent query, CancellationToken cancellationToken)
    {
        var file = await db.MedicalFiles.AsNoTracking()
            .FirstOrDefaultAsync(f => f.Id == query.FileId && f.DeletedAt == null, cancellationToken)
            ?? throw new NotFoundException();
        var role = await access.EnsureAsync(file.OwnerId, RecordAction.DownloadFile, cancellationToken);

        var content = await store.OpenReadAsync(file.StorageKey, file.WrappedKey!, cancellationToken);
        try
        {
            if (content.Length != file.SizeBytes)
                throw new StoredContentCorruptException("The stored content's length differs from the uploaded file's.");
            accessLog.Record(file.OwnerId, AccessAction.FileDownloaded, role, "file", file.Id);
            await db.SaveChangesAsync(cancellationToken);
        }
        catch
        {
            await content.DisposeAsync();
            throw;
        }

        var contentType = file.ContentType == "text/plain" ? "text/plain; charset=utf-8" : file.ContentType;
        return new FileContent(content, file.FileName, contentType, file.SizeBytes, file.Sha256, file.UploadedAt);
    }
}
