using System.Buffers;
using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Records.Common;
using MediVault.Domain.Audit;
using Microsoft.EntityFrameworkCore;

namespace MediVault.Application.Records.GetDicomSummary;

/// <summary>The study details in a DICOM file's header, for the in-app preview (issue 15).</summary>
public sealed record GetDicomSummary(Guid FileId) : IQuery<DicomSummary>;

public sealed class GetDicomSummaryHandler(IAppDbContext db, IRecordAccess access, IAccessLog accessLog, IFileStore store)
    : IQueryHandler<GetDicomSummary, DicomSummary>
{
    public async ValueTask<DicomSummary> Handle(GetDicomSummary query, CancellationToken cancellationToken)
    {
        var file = await db.MedicalFiles.AsNoTracking()
            .FirstOrDefaultAsync(f => f.Id == query.FileId && f.DeletedAt == null, cancellationToken)
            ?? throw new NotFoundException();
        var role = await access.EnsureAsync(file.OwnerId, RecordAction.DownloadFile, cancellationToken);
        if (file.ContentType != AcceptedFileType.Dicom.ContentType)
        {
            var type = AcceptedFileType.All.FirstOrDefault(t => t.ContentType == file.ContentType)?.Name ?? file.ContentType;
            throw new UnprocessableContentException($"This file is {type}, not DICOM: only a DICOM file has a DICOM header to show.");
        }
        if (role == ActorRole.Doctor)
        {
            // As for the list and verification: every doctor read is on the patient's record.
            accessLog.Record(file.OwnerId, AccessAction.RecordsViewed, role, "file", file.Id);
            await db.SaveChangesAsync(cancellationToken);
        }

        var length = (int)Math.Min(file.SizeBytes, DicomHeader.ReadLimitBytes);
        var head = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            await using (var content = store.OpenRead(file.StorageKey, file.WrappedKey!))
            {
                if (content.Length != file.SizeBytes)
                    throw new StoredContentCorruptException("The stored content's length differs from the uploaded file's.");
                await content.ReadExactlyAsync(head.AsMemory(0, length), cancellationToken);
            }
            return DicomHeader.Read(head.AsSpan(0, length), isWholeFile: length == file.SizeBytes);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(head, clearArray: true); // plaintext does not outlive the request
        }
    }
}
