using FluentValidation;
using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Exceptions;

namespace MediVault.Application.Ledger.GetConsistencyProof;

/// <summary>
/// Proves that the tree of <paramref name="From"/> leaves is a prefix of the tree of <paramref name="To"/> leaves
/// (default: the latest checkpoint's size). Anonymous: hashes only.
/// </summary>
public sealed record GetConsistencyProof(long? From, long? To) : IQuery<ConsistencyProof>;

internal sealed class GetConsistencyProofValidator : AbstractValidator<GetConsistencyProof>
{
    public GetConsistencyProofValidator()
    {
        RuleFor(x => x.From).NotNull().WithMessage("from is required.").GreaterThan(0).WithMessage("from must be a tree size of 1 or more.");
        RuleFor(x => x.To).Must((query, to) => to is null || query.From is null || to >= query.From)
            .WithMessage("to must be at least from.");
    }
}

public sealed class GetConsistencyProofHandler(ITransparencyLog log) : IQueryHandler<GetConsistencyProof, ConsistencyProof>
{
    public async ValueTask<ConsistencyProof> Handle(GetConsistencyProof query, CancellationToken cancellationToken)
    {
        var proof = await log.ConsistencyProofAsync(query.From!.Value, query.To, cancellationToken)
            ?? throw new ValidationFailedException("to", "to is beyond the latest signed checkpoint.");
        return proof.From > proof.To
            ? throw new ValidationFailedException("from", "from is beyond the latest signed checkpoint.")
            : proof;
    }
}
