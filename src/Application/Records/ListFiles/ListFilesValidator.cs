using FluentValidation;
using MediVault.Application.Common.Paging;
using MediVault.Application.Records.Common;

namespace MediVault.Application.Records.ListFiles;

internal sealed class ListFilesValidator : AbstractValidator<ListFiles>
{
    public const int MaxQueryLength = 200;

    public ListFilesValidator()
    {
        RuleFor(x => x.Category)
            .Must(c => FileCategories.TryParse(c, out _)).When(x => !string.IsNullOrEmpty(x.Category))
            .WithMessage(FileCategories.Message);
        RuleFor(x => x.Q).MaximumLength(MaxQueryLength);
        this.AddPagingRules(x => x.Page, x => x.PageSize);
    }
}
