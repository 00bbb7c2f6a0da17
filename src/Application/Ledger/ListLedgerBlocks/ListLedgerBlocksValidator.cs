using FluentValidation;

namespace MediVault.Application.Ledger.ListLedgerBlocks;

internal sealed class ListLedgerBlocksValidator : AbstractValidator<ListLedgerBlocks>
{
    public const int MaxLimit = 1000;

    public ListLedgerBlocksValidator()
    {
        RuleFor(x => x.From).GreaterThanOrEqualTo(0).WithMessage("from must be 0 or more.");
        RuleFor(x => x.Limit).InclusiveBetween(1, MaxLimit).WithMessage($"limit must be between 1 and {MaxLimit}.");
    }
}
