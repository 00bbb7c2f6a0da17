using FluentValidation;
using Mediator;
using MediVault.Application.Common.Access;

namespace MediVault.Application.Records.UploadFile;

/// <summary>
/// Checks the fields an upload form sent before its file, so that a refused upload is answered before a byte of the
/// file is read: someone else's vault (<c>404</c>, and a denied entry in that patient's access log) or a bad field
/// (<c>400</c>). A field still missing here may come after the file; <see cref="UploadFile"/> checks them all again.
/// </summary>
public sealed record BeginUpload(string? PatientId, string? Category, string? Description, string? RecordDate) : ICommand, IUploadFields;

internal sealed class BeginUploadValidator : AbstractValidator<BeginUpload>
{
    public BeginUploadValidator() => Include(new UploadFieldsValidator());
}

public sealed class BeginUploadHandler(IRecordAccess access) : ICommandHandler<BeginUpload>
{
    public async ValueTask<Unit> Handle(BeginUpload command, CancellationToken cancellationToken)
    {
        if (command.PatientId is { Length: > 0 } patientId)
            await access.EnsureAsync(Guid.Parse(patientId), RecordAction.UploadFile, cancellationToken);
        return Unit.Value;
    }
}
