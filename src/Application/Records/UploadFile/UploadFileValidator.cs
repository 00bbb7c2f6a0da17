using System.Globalization;
using FluentValidation;
using MediVault.Application.Records.Common;
using MediVault.Domain.Records;

namespace MediVault.Application.Records.UploadFile;

/// <summary>The text fields of an upload form, checked the same way before the file (<see cref="BeginUpload"/>) and after it.</summary>
public interface IUploadFields
{
    string? PatientId { get; }
    string? Category { get; }
    string? Description { get; }
    string? RecordDate { get; }
}

internal sealed class UploadFieldsValidator : AbstractValidator<IUploadFields>
{
    public const string DateFormat = "yyyy-MM-dd";

    public UploadFieldsValidator()
    {
        RuleFor(x => x.PatientId)
            .Must(id => Guid.TryParse(id, out var guid) && guid != Guid.Empty).When(x => !string.IsNullOrEmpty(x.PatientId))
            .WithMessage("patientId must be a patient's id.");
        RuleFor(x => x.Category)
            .Must(c => FileCategories.TryParse(c, out _)).When(x => !string.IsNullOrEmpty(x.Category))
            .WithMessage(FileCategories.Message);
        RuleFor(x => x.Description).MaximumLength(MedicalFile.MaxDescriptionLength);
        RuleFor(x => x.RecordDate)
            .Must(d => DateOnly.TryParseExact(d, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            .When(x => !string.IsNullOrEmpty(x.RecordDate))
            .WithMessage("recordDate must be a date written YYYY-MM-DD.");
    }
}

internal sealed class UploadFileValidator : AbstractValidator<UploadFile>
{
    public UploadFileValidator()
    {
        RuleFor(x => x.File).NotNull().WithMessage("A file is required.");
        Include(new UploadFieldsValidator());
    }
}
