using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Records.GetFileContent;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Fhir.ReadBinary;

/// <summary><c>GET /fhir/r4/Binary/{id}</c>: a file's decrypted content, streamed. The caller disposes the stream.</summary>
public sealed record ReadBinary(string Id) : IQuery<FileContent>;

public sealed class ReadBinaryHandler(IAppDbContext db, FhirAccess access, IAccessLog accessLog, IFileStore store)
    : IQueryHandler<ReadBinary, FileContent>
{
    public async ValueTask<FileContent> Handle(ReadBinary query, CancellationToken cancellationToken)
    {
        if (!Guid.TryParseExact(query.Id, "D", out var fileId))
            throw new NotFoundException();
        var file = await db.MedicalFiles.AsNoTracking()
            .FirstOrDefaultAsync(f => f.Id == fileId && f.DeletedAt == null, cancellationToken)
            ?? throw new NotFoundException();
        var actor = await access.EnsureAsync(file.OwnerId, FhirActions.RecordActionOf("Binary"), SmartPermissions.Read, ["Binary"], cancellationToken);

        var content = await store.OpenReadAsync(file.StorageKey, file.WrappedKey!, cancellationToken);
        try
        {
            if (content.Length != file.SizeBytes)
                throw new StoredContentCorruptException("The stored content's length differs from the uploaded file's.");
            accessLog.Record(file.OwnerId, FhirActions.AccessActionOf("Binary"), actor, FhirLogNames.Of("Binary"), file.Id);
            await db.SaveChangesAsync(cancellationToken);
        }
        catch
        {
            await content.DisposeAsync();
            throw;
        }
        return new FileContent(content, file.FileName, file.ContentType, file.SizeBytes, file.Sha256, file.UploadedAt);
    }
}
