using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Records.Common;
using MediVault.Domain.Audit;
using MediVault.Domain.Identity;
using MediVault.Domain.Ledger;
using MediVault.Domain.Records;

namespace MediVault.Application.Records.UploadFile;

/// <summary>
/// Adds a received file to a patient's vault: the blob is renamed into place, then the file row, its
/// <c>file-uploaded</c> ledger block and the access-log entry are committed in one transaction.
/// Form fields arrive as text, so the validator can name the field that is wrong.
/// </summary>
public sealed record UploadFile(string? PatientId, string? Category, string? Description, string? RecordDate, ReceivedUpload? File)
    : ICommand<FileDto>, IUploadFields;

public sealed class UploadFileHandler(
    IAppDbContext db, ICurrentUser currentUser, IRecordAccess access, IAccessLog accessLog, ILedger ledger, IFileStore store, TimeProvider clock)
    : ICommandHandler<UploadFile, FileDto>
{
    public async ValueTask<FileDto> Handle(UploadFile command, CancellationToken cancellationToken)
    {
        var uploaderId = currentUser.RequireUserId();
        if (command.PatientId is not { Length: > 0 } && currentUser.AccountType == AccountType.Doctor)
            throw new ValidationFailedException("patientId", "A doctor uploads into a patient's vault: give the patient's id.");
        var patientId = command.PatientId is { Length: > 0 } id ? Guid.Parse(id) : uploaderId;
        var role = await access.EnsureAsync(patientId, RecordAction.UploadFile, cancellationToken);

        var received = command.File!;
        var category = FileCategories.TryParse(command.Category, out var given) ? given : FileCategory.Other;
        var file = MedicalFile.Create(
            Guid.CreateVersion7(), patientId, uploaderId, received.FileName, received.ContentType, received.SizeBytes, category,
            string.IsNullOrWhiteSpace(command.Description) ? null : command.Description.Trim(),
            command.RecordDate is { Length: > 0 } date ? DateOnly.ParseExact(date, UploadFieldsValidator.DateFormat) : null,
            received.Sha256, received.Blob.StorageKey, received.Blob.WrappedKey, clock.GetUtcNow().UtcDateTime);
        if (received.Sha1 is { } sha1)
            file.RecordSha1(sha1);
        db.MedicalFiles.Add(file);
        accessLog.Record(patientId, AccessAction.FileUploaded, role, "file", file.Id);

        // Every byte is in: finish even if the client stops waiting, so the blob and its row never part.
        await received.Blob.PublishAsync(CancellationToken.None);
        try
        {
            await ledger.CommitAsync(
                new LedgerEvent(LedgerBlockKind.FileUploaded, file.Id, patientId, file.Sha256),
                block => file.AnchorTo(block.Index, block.Hash),
                CancellationToken.None);
        }
        catch
        {
            store.Delete(received.Blob.StorageKey);
            throw;
        }

        return FileDto.From(file);
    }
}
