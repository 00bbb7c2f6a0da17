using FluentValidation;
using Mediator;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Exceptions;

namespace MediVault.Application.Ledger.GetTile;

/// <summary>A C2SP tlog-tile of the ledger's Merkle tree (hashes only; entry bundles are not public).</summary>
/// <param name="Level">The tile level, 0–7.</param>
/// <param name="Path">The rest of the tile path: <c>N</c> in 3-digit groups, optionally <c>.p/W</c>.</param>
public sealed record GetTile(string Level, string Path) : IQuery<Tile>;

/// <param name="Hashes">The tile's hashes, 32 bytes each, concatenated.</param>
/// <param name="IsFull">A full tile never changes; a partial one is superseded as the log grows.</param>
public sealed record Tile(byte[] Hashes, bool IsFull);

internal sealed class GetTileValidator : AbstractValidator<GetTile>
{
    public GetTileValidator() =>
        RuleFor(x => x.Path).Must((query, path) => TileAddress.TryParse(query.Level, path, out _))
            .WithMessage("A tile path is L/N[.p/W]: L 0–7, N in 3-digit groups with x before all but the last (e.g. 0/x001/234), W 1–255.");
}

public sealed class GetTileHandler(ITransparencyLog log) : IQueryHandler<GetTile, Tile>
{
    public async ValueTask<Tile> Handle(GetTile query, CancellationToken cancellationToken)
    {
        TileAddress.TryParse(query.Level, query.Path, out var address);
        var hashes = await log.TileAsync(address, cancellationToken)
            ?? throw new NotFoundException("This tile is not in the latest signed checkpoint's tree.");
        return new Tile(hashes, address.IsFull);
    }
}
