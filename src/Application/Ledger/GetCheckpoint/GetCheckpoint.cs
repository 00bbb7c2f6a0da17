using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Exceptions;

namespace MediVault.Application.Ledger.GetCheckpoint;

/// <summary>The latest signed checkpoint of the ledger. Anonymous: it reveals only the log's size and root.</summary>
public sealed record GetCheckpoint : IQuery<string>;

public sealed class GetCheckpointHandler(ITransparencyLog log) : IQueryHandler<GetCheckpoint, string>
{
    public async ValueTask<string> Handle(GetCheckpoint query, CancellationToken cancellationToken) =>
        await log.LatestCheckpointAsync(cancellationToken) ?? throw new NotFoundException("The log has no checkpoint yet.");
}

/// <summary>The verifier key that checks the checkpoints' signatures (Go's note format).</summary>
public sealed record GetVerifierKey : IQuery<string>;

public sealed class GetVerifierKeyHandler(ITransparencyLog log) : IQueryHandler<GetVerifierKey, string>
{
    public ValueTask<string> Handle(GetVerifierKey query, CancellationToken cancellationToken) => ValueTask.FromResult(log.VerifierKey);
}
